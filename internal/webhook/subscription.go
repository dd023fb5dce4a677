package webhook

import (
	"fmt"
	"net"
	"net/netip"
	"net/url"
	"slices"
	"strings"
	"time"
)

// Subscription is one receiver, registered by an administrator.
type Subscription struct {
	ID     string
	Name   string // Russian, for the admin pages: whose system this is
	URL    string
	Secret []byte   // shared with the receiver; never shown again after registration
	Events []string // the event types it wants; at least one
	Active bool
	// ApprovedBy is the administrator who registered the address: no
	// subscription exists without one.
	ApprovedBy string
	CreatedAt  time.Time
}

// Wants reports whether s receives events of type t.
func (s *Subscription) Wants(t string) bool { return s.Active && slices.Contains(s.Events, t) }

// Validate checks a subscription before it is stored. Messages are
// Russian: the administrator reads them on the registration form.
func (s *Subscription) Validate(p Policy) error {
	switch {
	case s.ID == "":
		return fmt.Errorf("подписка без идентификатора")
	case strings.TrimSpace(s.ApprovedBy) == "":
		return fmt.Errorf("подписка %s: не указан администратор, одобривший адрес", s.ID)
	case len(s.Secret) < MinSecretBytes:
		return fmt.Errorf("подписка %s: секрет короче %d байт", s.ID, MinSecretBytes)
	case len(s.Events) == 0:
		return fmt.Errorf("подписка %s: не выбрано ни одного события", s.ID)
	}
	for _, e := range s.Events {
		if !knownType(e) {
			return fmt.Errorf("подписка %s: неизвестное событие «%s» (допустимы %s)", s.ID, e, strings.Join(EventTypes(), ", "))
		}
	}
	if err := p.CheckURL(s.URL); err != nil {
		return fmt.Errorf("подписка %s: %w", s.ID, err)
	}
	return nil
}

// Policy is the administrator's rule for receiver addresses. The zero
// Policy allows nothing.
type Policy struct {
	// AllowedHosts are host names or IP addresses, exact or "*.domain"
	// for any subdomain.
	AllowedHosts []string
	// AllowHTTP permits plain http:// (for a receiver inside a closed
	// network); otherwise https only.
	AllowHTTP bool
	// AllowPrivate permits loopback, private, link-local and unspecified
	// addresses, which are refused by default so that a subscription
	// cannot probe the server's own network.
	AllowPrivate bool
}

// CheckURL says whether raw is an address the policy allows.
func (p Policy) CheckURL(raw string) error {
	u, err := url.Parse(raw)
	if err != nil {
		return fmt.Errorf("адрес «%s» не разбирается: %w", raw, err)
	}
	switch {
	case u.Scheme == "https":
	case u.Scheme == "http" && p.AllowHTTP:
	case u.Scheme == "http":
		return fmt.Errorf("адрес %s: допускается только https", raw)
	default:
		return fmt.Errorf("адрес %s: схема «%s» не допускается", raw, u.Scheme)
	}
	if u.User != nil {
		return fmt.Errorf("адрес %s: учётные данные в адресе не допускаются, используйте секрет подписки", u.Redacted())
	}
	host := u.Hostname()
	if host == "" {
		return fmt.Errorf("адрес %s: нет имени узла", raw)
	}
	if !p.hostAllowed(host) {
		return fmt.Errorf("узел %s не входит в список разрешённых администратором", host)
	}
	if ip, err := netip.ParseAddr(host); err == nil && !p.ipAllowed(ip) {
		return fmt.Errorf("адрес %s: внутренние и локальные адреса не допускаются", raw)
	}
	return nil
}

func (p Policy) hostAllowed(host string) bool {
	host = strings.ToLower(strings.TrimSuffix(host, "."))
	for _, a := range p.AllowedHosts {
		a = strings.ToLower(a)
		if suffix, ok := strings.CutPrefix(a, "*."); ok {
			if strings.HasSuffix(host, "."+suffix) {
				return true
			}
		} else if host == a {
			return true
		}
	}
	return false
}

func (p Policy) ipAllowed(ip netip.Addr) bool {
	if p.AllowPrivate {
		return true
	}
	ip = ip.Unmap()
	return !(ip.IsLoopback() || ip.IsPrivate() || ip.IsLinkLocalUnicast() || ip.IsLinkLocalMulticast() ||
		ip.IsUnspecified() || ip.IsMulticast() || ip.IsInterfaceLocalMulticast() || cgnat.Contains(ip))
}

// cgnat is the shared address space (RFC 6598), private in practice.
var cgnat = netip.MustParsePrefix("100.64.0.0/10")

// dialControl refuses a connection to an address the policy forbids; it
// runs after DNS resolution, for every address tried.
func (p Policy) dialControl(_, address string) error {
	host, _, err := net.SplitHostPort(address)
	if err != nil {
		return fmt.Errorf("webhook dial %s: %w", address, err)
	}
	ip, err := netip.ParseAddr(host)
	if err != nil {
		return fmt.Errorf("webhook dial %s: %w", address, err)
	}
	if !p.ipAllowed(ip) {
		return fmt.Errorf("webhook dial %s: address not allowed by the subscription policy", address)
	}
	return nil
}
