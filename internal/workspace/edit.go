package workspace

import (
	"context"
	"fmt"
	"strings"

	"ripple/internal/access"
	"ripple/internal/fault"
)

// Business types: what a workspace's business sells.
const (
	Product = "product"
	Service = "service"
)

// maxName is the longest workspace name.
const maxName = 120

// manage refuses an actor whose role does not hold the right to change the
// workspace's settings.
func manage(a access.Actor) error {
	if !a.Can(access.ManageWorkspace) {
		return fault.ErrForbidden
	}
	return nil
}

// validate checks and tidies a workspace's settings; an error names the
// field at fault.
func validate(w *Workspace) error {
	w.Name = strings.TrimSpace(w.Name)
	if w.Name == "" {
		return fault.Invalid("name", "is required")
	}
	if len(w.Name) > maxName {
		return fault.Invalid("name", fmt.Sprintf("is %d characters at most", maxName))
	}
	if w.BusinessType != Product && w.BusinessType != Service {
		return fault.Invalid("business_type", "is product or service")
	}
	var err error
	if w.TimeZone, err = ParseTimeZone(w.TimeZone); err != nil {
		return fault.Invalid("time_zone", err.Error())
	}
	if w.Currency, err = ParseCurrency(w.Currency); err != nil {
		return fault.Invalid("currency", err.Error())
	}
	return nil
}

// Create makes a workspace. It is the operator's (the command line's): no
// member exists yet to ask. An empty business type is a product business.
func (s *Settings) Create(ctx context.Context, name, businessType string) (Workspace, error) {
	if businessType == "" {
		businessType = Product
	}
	w := Workspace{ID: access.NewID("ws"), Name: name, BusinessType: businessType,
		TimeZone: DefaultTimeZone, Currency: DefaultCurrency, CreatedAt: s.now().UTC()}
	if err := validate(&w); err != nil {
		return Workspace{}, err
	}
	if err := s.st.CreateWorkspace(ctx, w); err != nil {
		return Workspace{}, err
	}
	return w, nil
}

// Workspace is the workspace with the id.
func (s *Settings) Workspace(ctx context.Context, id string) (Workspace, error) {
	return s.st.Workspace(ctx, id)
}

// All lists every workspace by name, for the operator.
func (s *Settings) All(ctx context.Context) ([]Workspace, error) { return s.st.Workspaces(ctx) }

// Patch changes a workspace's settings; nil fields stay.
type Patch struct {
	Name         *string
	BusinessType *string
	TimeZone     *string // an IANA zone name: Europe/Paris
	Currency     *string // an ISO 4217 code: EUR
}

// Update applies p to the actor's workspace and returns it as saved.
func (s *Settings) Update(ctx context.Context, a access.Actor, p Patch) (Workspace, error) {
	if err := manage(a); err != nil {
		return Workspace{}, err
	}
	w, err := s.st.Workspace(ctx, a.Workspace)
	if err != nil {
		return Workspace{}, err
	}
	if p.Name != nil {
		w.Name = *p.Name
	}
	if p.BusinessType != nil {
		w.BusinessType = *p.BusinessType
	}
	if p.TimeZone != nil {
		w.TimeZone = *p.TimeZone
	}
	if p.Currency != nil {
		w.Currency = *p.Currency
	}
	if err := validate(&w); err != nil {
		return Workspace{}, err
	}
	if err := s.st.UpdateWorkspace(ctx, w); err != nil {
		return Workspace{}, err
	}
	return w, nil
}
