package identity

import (
	"fmt"
	"strings"
)

// Rules are a workspace's identity resolution settings, in the spirit of
// Segment Unify's: how many identifiers of each kind one profile may hold,
// which kinds give way first when a merge would pass a limit, and values
// that never count as identifiers.
type Rules struct {
	// Limit is how many identifiers of each kind one profile may hold,
	// indexed by Kind. The user id's limit is always 1: a profile is one
	// account, and no chain of merges may join two.
	Limit [numKinds]int
	// Priority orders every kind, strongest first. When a message's
	// identifiers would put more of a kind on one profile than its limit
	// allows, the weakest of them that adds to the excess is set aside and
	// the message is matched again without it.
	Priority []Kind
	// Blocked values are never identifiers, compared without case after
	// trimming, besides the built-in placeholders ("null", "undefined",
	// "anonymous", "guest", "0", "-1", zeros and dashes, empty...).
	Blocked []string
}

// DefaultRules are Segment Unify's default limits, one user id and five of
// each other kind, with the anonymous id's raised to 50 and the handle's to
// 10: Segment counts anonymous ids in a sliding window (five a week), Ripple
// counts them ever, and a browser that clears its cookies makes a new one
// each time. Kinds are in the order of Kinds. On the simulator's
// development seed both settings resolve identically (no profile reaches a
// limit there); see the README's Identity section.
func DefaultRules() Rules {
	r := Rules{Priority: append([]Kind(nil), Kinds...)}
	r.Limit[UserID] = 1
	r.Limit[Email] = 5
	r.Limit[Phone] = 5
	r.Limit[Handle] = 10
	r.Limit[AnonymousID] = 50
	return r
}

// maxLimit keeps per-profile counts in a byte.
const maxLimit = 200

// Validate reports the first setting that cannot work, naming it.
func (r *Rules) Validate() error {
	if r.Limit[UserID] != 1 {
		return fmt.Errorf("identity: rules: limit.user_id is %d: it must be 1, so that no merge joins two user ids", r.Limit[UserID])
	}
	for _, k := range Kinds {
		if l := r.Limit[k]; l < 1 || l > maxLimit {
			return fmt.Errorf("identity: rules: limit.%s is %d, want 1 to %d", k, l, maxLimit)
		}
	}
	if len(r.Priority) != len(Kinds) {
		return fmt.Errorf("identity: rules: priority lists %d kinds, want each of the %d once", len(r.Priority), len(Kinds))
	}
	var seen [numKinds]bool
	for i, k := range r.Priority {
		if k == 0 || int(k) >= numKinds {
			return fmt.Errorf("identity: rules: priority[%d] is not a kind of identifier", i)
		}
		if seen[k] {
			return fmt.Errorf("identity: rules: priority[%d]: %s is listed twice", i, k)
		}
		seen[k] = true
	}
	for i, b := range r.Blocked {
		if strings.TrimSpace(b) == "" {
			return fmt.Errorf("identity: rules: blocked[%d] is empty (empty values are always blocked)", i)
		}
	}
	return nil
}

// ranks is the position of each kind in the priority order.
func (r *Rules) ranks() [numKinds]int {
	var rk [numKinds]int
	for i, k := range r.Priority {
		rk[k] = i
	}
	return rk
}
