package sim

// item is one thing the business sells.
type item struct {
	id, name, category string
	price              float64
}

// The simulated product business sells home goods; the service business
// sells a subscription in three plans.
var (
	products = []item{
		{"lmn-101", "Linen Throw Blanket", "textiles", 79},
		{"lmn-102", "Ceramic Pour-Over Set", "kitchen", 49},
		{"lmn-103", "Oak Desk Lamp", "lighting", 129},
		{"lmn-104", "Wool Floor Cushion", "textiles", 59},
		{"lmn-105", "Stoneware Mug Pair", "kitchen", 29},
		{"lmn-106", "Rattan Storage Basket", "storage", 39},
		{"lmn-107", "Scented Soy Candle", "home", 19},
		{"lmn-108", "Walnut Serving Board", "kitchen", 69},
	}
	plans = []item{
		{"plan-basic", "Basic", "plan", 19},
		{"plan-pro", "Pro", "plan", 49},
		{"plan-team", "Team", "plan", 129},
	}
)

// brand is the simulated business as its customers see it.
type brand struct {
	name, site string
	things     []item
}

func brandOf(service bool) brand {
	if service {
		return brand{"Tidewell", "https://app.tidewell.example", plans}
	}
	return brand{"Lumen", "https://shop.lumen.example", products}
}

// basket is one order.
type basket struct {
	items [3]int8
	n     int
	total float64
}

// productBasket draws one to three products from one hash word.
func productBasket(h uint64) basket {
	var b basket
	b.n = 1 + int(h%7)/4 + int(h>>3%10)/9 // mostly one item, sometimes two or three
	for i := 0; i < b.n; i++ {
		k := int(h>>(8+8*i)) % len(products)
		b.items[i] = int8(k)
		b.total += products[k].price
	}
	return b
}

// planBasket is a month of a plan.
func planBasket(plan int) basket {
	b := basket{n: 1, total: plans[plan].price}
	b.items[0] = int8(plan)
	return b
}
