package event

// Stage is a step of the customer ecosystem. Stages are ordered: a person
// who purchased has passed every stage before purchase.
type Stage string

// The six consecutive stages; an advocate's post is the next person's stimulus.
const (
	NoStage    Stage = ""
	Stimulus   Stage = "stimulus"
	Find       Stage = "find"
	Understand Stage = "understand"
	Engage     Stage = "engage"
	Purchase   Stage = "purchase"
	Advocate   Stage = "advocate"
)

// Stages lists the stages in order.
var Stages = []Stage{Stimulus, Find, Understand, Engage, Purchase, Advocate}

// Rank is the stage's position, 1 for stimulus to 6 for advocate, 0 for none.
func (s Stage) Rank() int {
	for i, st := range Stages {
		if st == s {
			return i + 1
		}
	}
	return 0
}

// Semantic describes an event name Ripple understands.
type Semantic struct {
	Stage Stage
	// Social marks touchpoints that happen on a platform rather than on the
	// business's own site: they carry text or reach that listening reads.
	Social bool
	// Summary explains the event for the documentation.
	Summary string
}

// SemanticEvents maps the track event names Ripple understands to their stage:
// Segment's e-commerce, video and lifecycle specs plus social touchpoints.
// Names are matched exactly as the spec spells them.
var SemanticEvents = map[string]Semantic{
	// Stimulus: the person is exposed to the brand.
	"Ad Impression":      {Stimulus, true, "a paid ad was shown (properties.platform, .campaign)"},
	"Post Viewed":        {Stimulus, true, "an organic or shared post about the brand was seen"},
	"Promotion Viewed":   {Stimulus, false, "an internal promotion or banner was seen"},
	"Video Ad Started":   {Stimulus, false, "a video ad began playing"},
	"Video Ad Completed": {Stimulus, false, "a video ad played to its end"},
	"Email Opened":       {Stimulus, false, "a marketing email was opened"},

	// Find: the person looks for the brand or the product.
	"Products Searched":  {Find, false, "a search on the site (properties.query)"},
	"Ad Clicked":         {Find, true, "a paid ad was clicked"},
	"Promotion Clicked":  {Find, false, "an internal promotion was clicked"},
	"Email Link Clicked": {Find, false, "a link in an email was clicked"},

	// Understand: the person learns about the offer on owned media.
	"Product List Viewed":      {Understand, false, "a category or list of products was viewed"},
	"Product List Filtered":    {Understand, false, "a product list was filtered or sorted"},
	"Product Viewed":           {Understand, false, "a product's page was viewed"},
	"Product Clicked":          {Understand, false, "a product in a list was clicked"},
	"Video Playback Started":   {Understand, false, "a video began playing"},
	"Video Content Started":    {Understand, false, "a video's content began"},
	"Video Playback Completed": {Engage, false, "a video was watched to its end"},
	"Video Content Completed":  {Engage, false, "a video's content was watched to its end"},

	// Engage: the person interacts, on the platforms or on owned media.
	"Post Liked":              {Engage, true, "a post was liked or reacted to"},
	"Comment Posted":          {Engage, true, "a comment on a post (properties.text)"},
	"Account Followed":        {Engage, true, "the brand's account was followed"},
	"Message Received":        {Engage, true, "a direct message to the brand (properties.text)"},
	"Mention Posted":          {Engage, true, "a public post that mentions the brand (properties.text, .reach)"},
	"Survey Answered":         {Engage, false, "a survey or NPS answer (properties.score, .text)"},
	"Signed Up":               {Engage, false, "an account or newsletter sign-up"},
	"Trial Started":           {Engage, false, "a trial of a service began"},
	"Wishlist Product Added":  {Engage, false, "a product was added to a wishlist"},
	"Product Added":           {Engage, false, "a product was added to the cart"},
	"Cart Viewed":             {Engage, false, "the cart was viewed"},
	"Checkout Started":        {Engage, false, "checkout began; re-marketing targets those who stop here"},
	"Checkout Step Completed": {Engage, false, "a checkout step was completed"},
	"Payment Info Entered":    {Engage, false, "payment details were entered"},
	"Coupon Applied":          {Engage, false, "a coupon was applied"},

	// Purchase.
	"Order Completed":      {Purchase, false, "an order was paid (properties.revenue or .total, .currency)"},
	"Subscription Started": {Purchase, false, "a paid subscription to a service began (properties.revenue)"},

	// Advocate: the person recommends the brand to others.
	"Post Shared":       {Advocate, true, "the brand's post was shared"},
	"Product Shared":    {Advocate, false, "a product was shared with others"},
	"Review Posted":     {Advocate, true, "a public review (properties.rating, .text)"},
	"Product Reviewed":  {Advocate, false, "a product review on the site (properties.rating, .text)"},
	"Referral Sent":     {Advocate, false, "a referral link or code was sent (properties.referral_code)"},
	"Referral Accepted": {Stimulus, false, "someone arrived through a referral (properties.referrer_id)"},

	// After the sale: recorded, but they move no one forward.
	"Order Refunded":         {NoStage, false, "an order was refunded (properties.revenue is the refunded amount)"},
	"Order Cancelled":        {NoStage, false, "an order was cancelled"},
	"Subscription Cancelled": {NoStage, false, "a subscription was cancelled (churn)"},
	"Signed In":              {NoStage, false, "a returning person signed in"},
}

// StageOf is the stage a message moves its person into under the default
// rules: semantic track events by the table above, page and screen views to
// understand, anything else to no stage.
func StageOf(m *Message) Stage {
	switch m.Type {
	case Track:
		return SemanticEvents[m.Event].Stage
	case Page, Screen:
		return Understand
	}
	return NoStage
}
