package sim

import (
	"fmt"
	"math"

	"ripple/internal/channel"
)

// Audience says which people a channel can reach at all.
type Audience int

const (
	// Everyone: anyone on the platform (ads, TV, print, outdoor).
	Everyone Audience = iota
	// Aware: only people already stimulated, who search for the brand.
	Aware
	// Known: only identified people, whose email address the business has.
	Known
	// Network: only followers of an advocate who posted (word of mouth).
	Network
)

// nTransitions is the number of moves a channel can cause: Effect[0] moves
// stimulus to find, Effect[1] find to understand, Effect[2] understand to
// engage, Effect[3] engage to purchase (and drives repeat purchases),
// Effect[4] purchase to advocate. Becoming stimulated needs no effect: any
// exposure is a stimulus, which is what the data will show too.
const nTransitions = 5

// ChannelSpec is one channel of the simulated business with its true causal
// effect. Reach and Effect are per exposure-day, so a channel's effect on
// conversions is known exactly and can be measured by switching it off.
type ChannelSpec struct {
	Key       string // report key, platform/ownership: "facebook/paid"
	Platform  string
	Ownership channel.Ownership
	Audience  Audience
	// Share is the fraction of people who can be reached at all (on the
	// platform, in the TV region); Reach is the daily chance that one of
	// them is exposed.
	Share float64
	Reach float64
	// CPM is the cost of a thousand exposures; spend per day is what the
	// day's exposures cost. A simulated person stands for many real ones,
	// so the defaults are well above market CPMs, set for a realistic
	// return on spend.
	CPM    float64
	Effect [nTransitions]float64
	// From and To bound the days the channel runs (a flight); To 0 means
	// to the end.
	From, To int

	// How the channel shows in the data. Impression is the event emitted
	// per exposure ("" when exposures are invisible, as with TV). Source and
	// Medium tag clicks with utm_* and context.campaign; Referrer is the
	// page referrer of arrivals; a channel with none of them arrives direct.
	Impression string
	Source     string
	Medium     string
	Referrer   string
	Campaign   string
}

// DefaultChannels is a realistic channel mix for a business: "product" does
// better on Pinterest, Instagram, YouTube and Facebook, "service" on X,
// LinkedIn and Facebook. X carries no true effect for a product business and
// Pinterest none for a service: they spend and show impressions but cause
// nothing, which attribution engines should discover.
func DefaultChannels(business string, days int) []ChannelSpec {
	social := [nTransitions]float64{0.06, 0.03, 0.02, 0.01, 0}
	video := [nTransitions]float64{0.05, 0.04, 0.05, 0.01, 0}
	fit := map[string]float64{"facebook": 1.2, "instagram": 1.4, "youtube": 1.3, "pinterest": 1.4, "tiktok": 1.0, "x": 0, "linkedin": 0.4}
	share := map[string]float64{"facebook": 0.3, "instagram": 0.25, "youtube": 0.3, "pinterest": 0.12, "tiktok": 0.15, "x": 0.1, "linkedin": 0.1}
	if business == "service" {
		fit = map[string]float64{"facebook": 1.2, "instagram": 0.7, "youtube": 0.8, "pinterest": 0, "tiktok": 0.6, "x": 1.4, "linkedin": 1.6}
	}
	scale := func(e [nTransitions]float64, f float64) [nTransitions]float64 {
		for i := range e {
			e[i] = math.Round(e[i]*f*1e6) / 1e6 // keep the truth files free of float noise
		}
		return e
	}
	paidSocial := func(platform, host string, reach, cpm float64) ChannelSpec {
		eff := social
		if platform == "youtube" || platform == "tiktok" {
			eff = video
		}
		return ChannelSpec{
			Key: platform + "/paid", Platform: platform, Ownership: channel.Paid, Audience: Everyone,
			Share: share[platform], Reach: reach, CPM: cpm, Effect: scale(eff, fit[platform]),
			Impression: "Ad Impression", Source: platform, Medium: "paid_social", Referrer: "https://" + host + "/",
			Campaign: business + "-prospecting",
		}
	}
	tvFrom, tvTo := days/3, 2*days/3
	if tvTo <= tvFrom {
		tvFrom, tvTo = 0, 0
	}
	return []ChannelSpec{
		paidSocial("facebook", "www.facebook.com", 0.10, 60),
		paidSocial("instagram", "www.instagram.com", 0.12, 70),
		paidSocial("youtube", "www.youtube.com", 0.08, 80),
		paidSocial("pinterest", "www.pinterest.com", 0.08, 50),
		paidSocial("tiktok", "www.tiktok.com", 0.10, 45),
		paidSocial("x", "x.com", 0.08, 45),
		paidSocial("linkedin", "www.linkedin.com", 0.06, 200),
		{
			Key: "search/paid", Platform: "search", Ownership: channel.Paid, Audience: Aware,
			Share: 1, Reach: 0.06, CPM: 400, Effect: [nTransitions]float64{0.12, 0.10, 0.03, 0.02, 0},
			Impression: "Ad Impression", Source: "google", Medium: "cpc", Referrer: "https://www.google.com/",
			Campaign: "brand-search",
		},
		{
			Key: "search/earned", Platform: "search", Ownership: channel.Earned, Audience: Aware,
			Share: 1, Reach: 0.10, Effect: [nTransitions]float64{0.10, 0.08, 0.02, 0.01, 0},
			Referrer: "https://www.google.com/",
		},
		{
			Key: "email/owned", Platform: "email", Ownership: channel.Owned, Audience: Known,
			Share: 1, Reach: 0.15, CPM: 5, Effect: [nTransitions]float64{0, 0.05, 0.06, 0.05, 0.03},
			Impression: "Email Opened", Source: "newsletter", Medium: "email", Campaign: "weekly-newsletter",
		},
		{
			Key: "tv/paid", Platform: "tv", Ownership: channel.Paid, Audience: Everyone,
			Share: 0.4, Reach: 0.05, CPM: 150, Effect: [nTransitions]float64{0.10, 0.01, 0, 0.005, 0},
			From: tvFrom, To: tvTo, Referrer: "https://www.google.com/",
		},
		{
			Key: "print/paid", Platform: "print", Ownership: channel.Paid, Audience: Everyone,
			Share: 0.15, Reach: 0.03, CPM: 120, Effect: [nTransitions]float64{0.05, 0, 0, 0, 0},
			Source: "magazine", Medium: "print", Campaign: "spring-print",
		},
		{
			Key: "outdoor/paid", Platform: "outdoor", Ownership: channel.Paid, Audience: Everyone,
			Share: 0.25, Reach: 0.03, CPM: 50, Effect: [nTransitions]float64{0.03, 0, 0, 0, 0},
			Source: "billboard", Medium: "outdoor", Campaign: "city-posters",
		},
		{
			Key: "referral/earned", Platform: "referral", Ownership: channel.Earned, Audience: Network,
			Share: 1, Effect: [nTransitions]float64{0.20, 0.12, 0.08, 0.06, 0.03},
			Medium: "social", Campaign: "share",
		},
	}
}

func validateChannels(cs []ChannelSpec) error {
	if len(cs) > 64 {
		return fmt.Errorf("sim: %d channels, at most 64", len(cs))
	}
	seen := map[string]bool{}
	network := 0
	for i, c := range cs {
		switch {
		case c.Key == "":
			return fmt.Errorf("sim: channels[%d].Key is required", i)
		case seen[c.Key]:
			return fmt.Errorf("sim: channels[%d].Key %q is used twice", i, c.Key)
		case c.Share < 0 || c.Share > 1:
			return fmt.Errorf("sim: channel %s: Share %v is outside [0, 1]", c.Key, c.Share)
		case c.Reach < 0 || c.Reach > 1:
			return fmt.Errorf("sim: channel %s: Reach %v is outside [0, 1]", c.Key, c.Reach)
		case c.CPM < 0:
			return fmt.Errorf("sim: channel %s: CPM %v is negative", c.Key, c.CPM)
		case c.From < 0 || (c.To != 0 && c.To < c.From):
			return fmt.Errorf("sim: channel %s: flight %d..%d is not a range of days", c.Key, c.From, c.To)
		}
		for j, e := range c.Effect {
			if e < 0 || e > 1 {
				return fmt.Errorf("sim: channel %s: Effect[%d] %v is outside [0, 1]", c.Key, j, e)
			}
		}
		if c.Audience == Network {
			network++
		}
		seen[c.Key] = true
	}
	if network > 1 {
		return fmt.Errorf("sim: %d word-of-mouth (Network) channels, at most 1", network)
	}
	return nil
}
