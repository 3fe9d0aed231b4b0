package budget

import (
	"errors"
	"slices"
	"strings"
	"testing"

	"ripple/internal/event"
	"ripple/internal/sim"
)

// firstTouchStats is what a workspace's own data says per platform: people
// by the platform of their first touch, how far each got, and the
// platform's spend.
func firstTouchStats(tr *sim.Truth) []PlatformStats {
	idx := map[string]int{}
	var out []PlatformStats
	get := func(platform string) *PlatformStats {
		i, ok := idx[platform]
		if !ok {
			i = len(out)
			idx[platform] = i
			out = append(out, PlatformStats{Platform: platform, Stages: map[event.Stage]int64{}})
		}
		return &out[i]
	}
	for _, c := range tr.Channels {
		get(c.Platform).Spend += c.Spend
	}
	for _, p := range tr.People {
		platform, _, _ := strings.Cut(p.FirstChannel, "/")
		if platform == "" || platform == "direct" {
			continue
		}
		s := get(platform)
		s.Reached++
		for i, d := range p.StageDays {
			if d >= 0 {
				s.Stages[event.Stages[i]]++
			}
		}
	}
	return out
}

// On a simulated business with plenty of people, every stage after the
// first is a finding, and a platform that the simulator gives no effect
// (X, for a product business) is not among the best at purchase; with 200
// people, purchase and advocacy are too rare to rank and the answers are
// the seed's guidance, marked default.
func TestSuitOnSimulatedBusiness(t *testing.T) {
	for _, biz := range []string{Product, Service} {
		t.Run(biz, func(t *testing.T) {
			tr, err := sim.Run(t.Context(), sim.Config{Seed: 21, People: 20000, Days: 90, Business: biz, SkipIncrementality: true}, nil)
			if err != nil {
				t.Fatal(err)
			}
			s, err := Suit(biz, firstTouchStats(tr))
			if err != nil {
				t.Fatal(err)
			}
			for _, st := range s.Stages[1:] {
				if st.Default {
					t.Errorf("20,000 people, %s: a default (%s), want a finding", st.Stage, st.Reason)
				}
			}
			purchase := s.Stages[event.Purchase.Rank()-1]
			t.Logf("%s, best at purchase: %v", biz, purchase.Best)
			if biz == Product && slices.Contains(purchase.Best, "x") {
				t.Errorf("product, purchase: best %v holds x, which moves no one", purchase.Best)
			}

			tr, err = sim.Run(t.Context(), sim.Config{Seed: 21, People: 200, Days: 90, Business: biz, SkipIncrementality: true}, nil)
			if err != nil {
				t.Fatal(err)
			}
			if s, err = Suit(biz, firstTouchStats(tr)); err != nil {
				t.Fatal(err)
			}
			for _, st := range s.Stages[4:] {
				if !st.Default || !slices.Equal(st.Best, Guidance[biz]) || st.Reason == "" {
					t.Errorf("200 people, %s: best %v default %v (%q), want the guidance %v as a default with its reason",
						st.Stage, st.Best, st.Default, st.Reason, Guidance[biz])
				}
			}
		})
	}
}

func stats(platform string, spend float64, reached int64, counts ...int64) PlatformStats {
	p := PlatformStats{Platform: platform, Spend: spend, Reached: reached, Stages: map[event.Stage]int64{}}
	for i, k := range counts {
		p.Stages[event.Stages[i]] = k
	}
	return p
}

func TestSuit(t *testing.T) {
	s, err := Suit(Service, []PlatformStats{
		stats("linkedin", 2000, 1000, 1000, 600, 400, 200, 100, 20),
		stats("x", 1000, 1000, 1000, 500, 300, 150, 40, 18),
		stats("tiktok", 500, 800, 800, 400, 200, 80, 12, 2),
		stats("blog", 0, 300, 300, 150, 90, 45, 15, 1),
	})
	if err != nil {
		t.Fatal(err)
	}
	byStage := map[event.Stage]StageSuitability{}
	for _, st := range s.Stages {
		byStage[st.Stage] = st
	}
	// Stimulus is ranked by people reached per 1,000 spent; the blog has
	// no spend and no rate there.
	if st := byStage[event.Stimulus]; st.Default || !slices.Equal(st.Best, []string{"tiktok"}) {
		t.Errorf("stimulus: best %v default %v, want tiktok (1,600 people per 1,000)", st.Best, st.Default)
	}
	// Purchase: linkedin 10% of 1,000, x 4%; tiktok's 12 and the blog's 15
	// people are too few to measure.
	st := byStage[event.Purchase]
	if st.Default || !slices.Equal(st.Best, []string{"linkedin"}) {
		t.Errorf("purchase: best %v default %v, want linkedin", st.Best, st.Default)
	}
	if got := st.Platforms[0]; got.Platform != "linkedin" || got.CostPer != 20 || !got.Measured || got.Low > 0.1 || got.High < 0.1 {
		t.Errorf("purchase, first: %+v, want linkedin at 10%% within its interval, 20 per purchase", got)
	}
	for _, r := range st.Platforms {
		if measured := r.Platform == "linkedin" || r.Platform == "x"; r.Measured != measured {
			t.Errorf("purchase, %s with %d people: measured %v", r.Platform, r.People, r.Measured)
		}
	}
	// Advocate: linkedin's 2% and x's 1.8% cannot be told apart.
	if st := byStage[event.Advocate]; !st.Default || !strings.Contains(st.Reason, "do not differ") || !slices.Equal(st.Best, Guidance[Service]) {
		t.Errorf("advocate: best %v default %v (%s), want the service guidance, the platforms not differing", st.Best, st.Default, st.Reason)
	}
	s, err = Suit(Product, []PlatformStats{stats("pinterest", 10, 20, 20, 9, 5, 3, 1, 0)})
	if err != nil {
		t.Fatal(err)
	}
	for _, st := range s.Stages {
		if !st.Default || !slices.Equal(st.Best, Guidance[Product]) {
			t.Errorf("%s with 20 people: best %v default %v, want the product guidance", st.Stage, st.Best, st.Default)
		}
	}
}

func TestSuitRefusesBadInput(t *testing.T) {
	for _, tt := range []struct {
		business string
		stats    []PlatformStats
		field    string
	}{
		{"shop", nil, "business"},
		{Product, []PlatformStats{stats("", 0, 1)}, "stats[0].platform"},
		{Product, []PlatformStats{stats("x", 0, 1), stats("x", 0, 1)}, "stats[1].platform"},
		{Product, []PlatformStats{stats("x", -1, 1)}, "stats[0].spend"},
		{Product, []PlatformStats{stats("x", 0, -1)}, "stats[0].reached"},
		{Product, []PlatformStats{stats("x", 0, 5, 5, 6)}, "stats[0].stages[find]"},
		{Product, []PlatformStats{stats("x", 0, 5, -1)}, "stats[0].stages[stimulus]"},
		{Product, []PlatformStats{{Platform: "x", Reached: 5, Stages: map[event.Stage]int64{"lurk": 1}}}, `"lurk" is not a stage`},
	} {
		if _, err := Suit(tt.business, tt.stats); !errors.Is(err, ErrInput) || !strings.Contains(err.Error(), tt.field) {
			t.Errorf("Suit: %v, want an input error naming %q", err, tt.field)
		}
	}
}
