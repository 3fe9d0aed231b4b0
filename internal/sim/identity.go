package sim

import (
	"strconv"
	"strings"
)

// The identity layer: how the people of the causal model show up in the
// data. A person browses on several devices, each with its own anonymous
// id, anonymously until they sign up or sign in there; the business knows
// their user id, email and sometimes phone from identify calls; they post on
// social platforms under handles; a few share a household device, and some
// clients send placeholders instead of ids. None of it feeds back into the
// causal model: it is drawn from the person's own stream, so the dry runs
// and the run that builds events agree on every outcome.

// persona is how one person shows up in the data.
type persona struct {
	extra   int8  // devices beside the primary one, used once the person has an account
	partner int32 // the person sharing a household device with them, or -1
	zeroed  uint8 // extra device slots whose app sends an all-zeros anonymous id
	// junkUser is the placeholder userId the primary device's client sends
	// while signed out (a template left unfilled): 1 + its index in
	// junkUserIDs, 0 for none. No pointer: emitters keep a persona per
	// person, which the collector need not scan.
	junkUser int8
	aliases  bool // their client calls alias(userId) at sign-up, as Segment's docs ask for some destinations
	server   bool // the business's backend also identifies them at sign-up, with email and phone
	phone    int8 // how their phone number is written (see phoneOf), or -1 for none
	work     bool // they sometimes sign in with a work email
	family   bool // with their household partner, they share one email address
	linked   int8 // the platform (postPlatforms index) whose handle they linked to their account, or -1
	altX     bool // their handle on X differs from their handle elsewhere
}

// Device slots of a person: the primary device, up to two extra ones, and
// the household device shared with a partner.
const (
	devPrimary = 0
	devShared  = 3
	devSlots   = 4
)

// Shares of people with each trait, chosen once as plausible for a
// consumer business (not fitted to any resolver).
const (
	shareOneExtra   = 0.35 // one extra device (phone and laptop)
	shareTwoExtra   = 0.15 // two extra devices
	shareHousehold  = 0.02 // of even-numbered people: share a device with the next person
	shareFamilyMail = 0.5  // of households: share an email address too
	shareZeroed     = 0.05 // of extra devices: an app that sends all-zeros ids
	shareJunkClient = 0.03 // of primary devices: a client that sends a placeholder userId
	shareAliases    = 0.25 // clients that send alias at sign-up
	shareServer     = 0.3  // sign-ups also identified by the backend
	sharePhone      = 0.4  // people whose phone the business has
	shareWork       = 0.1  // people who sometimes use a work email
	shareLinked     = 0.5  // people who link one social handle to their account
	shareAltX       = 0.3  // people with another handle on X
	primaryDayShare = 0.6  // days on the primary device when there are others
	signInChance    = 0.5  // a known person's visit on a signed-out device that starts with signing in
)

// junkUserIDs are placeholders real clients send as a userId.
var junkUserIDs = []string{"null", "undefined", "anonymous", "guest", "0", "-1", " "}

// zeroID is the anonymous id of apps that read an advertising id the user
// did not allow: every such device sends the same one.
const zeroID = "00000000-0000-0000-0000-000000000000"

func personaOf(seed uint64, p, people int) persona {
	u := func(k uint64) float64 { return draw(seed, kIdentity, uint64(p), k) }
	ps := persona{partner: -1, phone: -1, linked: -1}
	switch x := u(1); {
	case x < shareTwoExtra:
		ps.extra = 2
	case x < shareTwoExtra+shareOneExtra:
		ps.extra = 1
	}
	for d := range ps.extra {
		if u(10+uint64(d)) < shareZeroed {
			ps.zeroed |= 1 << (1 + d)
		}
	}
	if q := householdOf(seed, p, people); q >= 0 {
		ps.partner = int32(q)
		ps.family = draw(seed, kIdentity, uint64(min(p, q)), 2) < shareFamilyMail
	}
	if u(3) < shareJunkClient {
		ps.junkUser = 1 + int8(u(4)*float64(len(junkUserIDs)))
	}
	ps.aliases = u(5) < shareAliases
	ps.server = u(6) < shareServer
	if u(7) < sharePhone {
		ps.phone = int8(u(8) * float64(len(phoneFormats)))
	}
	ps.work = u(9) < shareWork
	if u(12) < shareLinked {
		ps.linked = int8(u(13) * float64(len(postPlatforms)))
	}
	ps.altX = u(14) < shareAltX
	return ps
}

// householdOf is the person sharing a household device with p, or -1:
// pairs of consecutive people, the first even.
func householdOf(seed uint64, p, people int) int {
	first := p &^ 1
	if first+1 >= people || draw(seed, kIdentity, uint64(first), 0) >= shareHousehold {
		return -1
	}
	return p ^ 1 // the other one of the pair
}

// deviceID is the anonymous id of person p's device slot. The primary
// device keeps AnonymousID; the shared one is named after the pair.
func deviceID(seed uint64, p int, slot int, ps *persona) string {
	switch {
	case slot == devPrimary:
		return AnonymousID(seed, p)
	case slot == devShared:
		return uuidOf(hash4(seed, kIdentity, uint64(min(p, int(ps.partner))), 1<<32), hash4(seed, kIdentity, uint64(min(p, int(ps.partner))), 1<<32+1))
	case ps.zeroed&(1<<slot) != 0:
		return zeroID
	}
	return uuidOf(hash4(seed, kIdentity, uint64(p), 1<<33+uint64(slot)), hash4(seed, kIdentity, uint64(p), 1<<34+uint64(slot)))
}

// devices lists person p's anonymous ids, primary first.
func devices(seed uint64, p int, ps *persona) []string {
	out := []string{deviceID(seed, p, devPrimary, ps)}
	for d := 1; d <= int(ps.extra); d++ {
		out = append(out, deviceID(seed, p, d, ps))
	}
	if ps.partner >= 0 {
		out = append(out, deviceID(seed, p, devShared, ps))
	}
	return out
}

// emailOf is person p's email address; work picks the work one.
func emailOf(p int, ps *persona, work bool) string {
	switch {
	case work && ps.work:
		return strings.ToLower(firstNames[p%len(firstNames)]) + "." + strconv.Itoa(p) + "@work.example"
	case ps.family:
		return "home-" + strconv.Itoa(p&^1) + "@mail.example"
	}
	return UserID(p) + "@mail.example"
}

// phoneFormats are the ways a phone number arrives; the digits are the same.
var phoneFormats = []string{"+1 555 %s %s", "+1 (555) %s-%s", "+1555%s%s", "555-%s-%s"}

// phoneOf is person p's phone number as written in format f: every format
// but the last, which leaves out the country code, has the same digits, and
// no two of the first nine million people share a number.
func phoneOf(p int, f int8) string {
	n := strconv.Itoa(1000000 + p%9000000)
	return strings.Replace(strings.Replace(phoneFormats[f], "%s", n[:3], 1), "%s", n[3:], 1)
}

// handleOf is person p's handle on a platform, without the @. Handles are
// unique: they carry the person's number.
func handleOf(p int, platform string, ps *persona) string {
	h := strings.ToLower(firstNames[p%len(firstNames)]) + "_" + strconv.FormatInt(int64(p), 36)
	if platform == "x" && ps.altX {
		h += "_x"
	}
	return h
}

// uuidOf writes two hashes as a version 4 UUID, as analytics.js makes them.
func uuidOf(h1, h2 uint64) string {
	var b [36]byte
	x := [16]byte{}
	for i := range 8 {
		x[i] = byte(h1 >> (8 * i))
		x[8+i] = byte(h2 >> (8 * i))
	}
	x[6] = x[6]&0x0f | 0x40
	x[8] = x[8]&0x3f | 0x80
	j := 0
	for i, v := range x {
		if i == 4 || i == 6 || i == 8 || i == 10 {
			b[j] = '-'
			j++
		}
		b[j], b[j+1] = hexDigits[v>>4], hexDigits[v&0xf]
		j += 2
	}
	return string(b[:])
}
