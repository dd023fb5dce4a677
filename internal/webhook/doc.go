// Package webhook tells other systems that something changed in Cifra: a
// rating was recomputed or published, a period closed. Administrators
// register subscribers (an address, the events wanted and a shared secret);
// every change is written to an outbox, one delivery per subscriber, and a
// Dispatcher posts them, signed, with retries and back-off, recording each
// attempt (the delivery log).
//
// Signatures follow the Standard Webhooks scheme (webhook-id,
// webhook-timestamp and webhook-signature headers; "v1," and the base64
// HMAC-SHA256 of "id.timestamp.body"), so receivers can use its published
// verifiers. Addresses are held to a Policy the administrator sets: the
// allowed hosts, HTTPS, and no private or loopback addresses unless allowed,
// checked again when connecting so that DNS cannot redirect a delivery.
package webhook
