// Package channel owns where a touchpoint came from: it derives a channel from
// UTM parameters, the referrer, context.campaign and an explicit
// properties.channel, and classifies it by platform, ownership and whether it
// is skippable media, with a default grouping in the spirit of GA4's.
package channel

// Ownership says who owns the medium a touchpoint happened on.
type Ownership string

// Owned media is the business's own (site, email, profiles), earned media is
// what others say (shares, mentions, reviews, organic search), paid media is bought.
const (
	Owned  Ownership = "owned"
	Earned Ownership = "earned"
	Paid   Ownership = "paid"
)

// Channel is a classified source of touchpoints.
type Channel struct {
	// Source, Medium, Campaign, Content and Term are the normalised UTM
	// parameters (lower case, trimmed), empty when unknown.
	Source   string
	Medium   string
	Campaign string
	Content  string
	Term     string

	Platform  string // facebook, instagram, youtube, pinterest, x, linkedin, tiktok, search, email, web, store, tv, print, outdoor, referral, direct, ...
	Ownership Ownership
	Skippable bool   // false for media a person cannot skip: tv, print, outdoor, mail
	Group     string // default channel group, e.g. "Paid Social", "Organic Search", "Email", "Direct"
}

// Key names the channel in reports: the platform and how it was reached,
// e.g. "facebook/paid".
func (c Channel) Key() string {
	if c.Platform == "" {
		return "direct/owned"
	}
	return c.Platform + "/" + string(c.Ownership)
}

// Signals are what a touchpoint says about its origin.
type Signals struct {
	Explicit string // properties.channel, when the sender states it
	Platform string // properties.platform, e.g. on social touchpoints
	Source   string // utm_source or context.campaign.source
	Medium   string // utm_medium or context.campaign.medium
	Campaign string // utm_campaign or context.campaign.name
	Content  string
	Term     string
	URL      string // context.page.url or properties.url: its query may hold UTM parameters
	Referrer string // context.page.referrer or context.referrer.url
	Event    string // the track event name, e.g. "Ad Impression" is paid
}
