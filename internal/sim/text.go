package sim

import "strings"

// Sentiment labels of generated texts: what the generator meant, which is
// the truth a sentiment classifier is measured against.
const (
	Positive = "positive"
	Neutral  = "neutral"
	Negative = "negative"
)

// template is a text with slots and the sentiment its writer intends. Slots:
// {b} brand, {p} product or plan, {d} a number of days, {o} an order number.
type template struct {
	text  string
	score float64
}

// The templates carry the hard cases on purpose: negation ("not bad at
// all"), contrast where the clause after "but" decides, customer-service
// phrasing, emoji, shouting and slang.
var (
	praise = []template{
		{"love the new {p} from {b}!", 0.8},
		{"just got my {p} and it is perfect 😍", 0.85},
		{"{b} never disappoints. the {p} is gorgeous", 0.8},
		{"honestly the best purchase I made this year: {p} by {b}", 0.85},
		{"not bad at all, the {p} exceeded my expectations", 0.55},
		{"a bit pricey but the {p} is worth every penny", 0.5},
		{"shipping took {d} days but the {p} is beautiful, so happy", 0.5},
		{"highly recommend {b}, great quality and super friendly support 👍", 0.8},
		{"obsessed with my {p} ❤️", 0.75},
		{"{b} customer service sorted my issue in minutes, thank you!", 0.7},
		{"five stars for the {p}, would buy again", 0.75},
		{"can't stop telling friends about {b} 🙌", 0.7},
		{"the {p} is even better in person. well done {b}", 0.7},
		{"wasn't sure at first but I really like the {p} now", 0.45},
		{"great value, no complaints about the {p}", 0.6},
	}
	curious = []template{
		{"does the {p} come in other colours?", 0},
		{"anyone tried {b}? thinking about the {p}", 0},
		{"saw an ad for {b} today. what is the {p} like?", 0},
		{"how long does delivery from {b} usually take?", 0},
		{"is there a discount code for {b} this week?", 0},
		{"ordered the {p} on day {d}, will report back", 0},
		{"comparing {b} with a couple of other shops before I decide", 0},
		{"what is the difference between the {p} and the cheaper ones?", 0},
		{"the {p} arrived. setting it up tonight", 0},
		{"{b} has a new {p} out", 0},
	}
	complaints = []template{
		{"still waiting for my refund for order {o} @{b}", -0.6},
		{"it's been {d} days and still no refund. please reply", -0.65},
		{"please cancel my order {o}, nobody answers the phone", -0.55},
		{"my {p} arrived broken. not happy at all 😡", -0.75},
		{"never again. {b} lost my order and ignored my emails", -0.85},
		{"love the design but the {p} broke after a week", -0.5},
		{"the {p} is not worth the money", -0.6},
		{"WORST customer service ever. {d} days without an answer", -0.9},
		{"I want my money back for the {p}", -0.55},
		{"disappointed with {b}, the {p} looks nothing like the photos 👎", -0.65},
		{"cancelled my {b} subscription, the {p} plan was a waste", -0.6},
		{"why is it so hard to cancel {b}?? terrible", -0.75},
		{"charged twice for order {o}. fix this please", -0.6},
		{"good idea, but the {p} simply does not work for me", -0.4},
	}
	questions = []template{
		{"hi, where is my order {o}?", 0},
		{"can I change the delivery address for order {o}?", 0},
		{"how do I upgrade to the {p} plan?", 0},
		{"do you ship abroad?", 0},
		{"can I return the {p} if it doesn't fit?", 0},
		{"hello, is the {p} back in stock soon?", 0},
	}
)

// labelOf is the label for an intended score.
func labelOf(score float64) string {
	switch {
	case score >= 0.25:
		return Positive
	case score <= -0.25:
		return Negative
	}
	return Neutral
}

// fill writes a template with its slots.
func fill(t string, b brand, thing string, days, order int, sb *strings.Builder) string {
	sb.Reset()
	for i := 0; i < len(t); i++ {
		if t[i] == '{' && i+2 < len(t) && t[i+2] == '}' {
			switch t[i+1] {
			case 'b':
				sb.WriteString(b.name)
			case 'p':
				sb.WriteString(thing)
			case 'd':
				writeInt(sb, days)
			case 'o':
				sb.WriteByte('#')
				writeInt(sb, order)
			}
			i += 2
			continue
		}
		sb.WriteByte(t[i])
	}
	return sb.String()
}

func writeInt(sb *strings.Builder, n int) {
	var buf [20]byte
	i := len(buf)
	if n == 0 {
		sb.WriteByte('0')
		return
	}
	for n > 0 {
		i--
		buf[i] = byte('0' + n%10)
		n /= 10
	}
	sb.Write(buf[i:])
}
