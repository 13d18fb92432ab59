// Package notify sends status e-mails to applicants through SMTP when
// configured (env XINYONG_SMTP_ADDR host:port and XINYONG_SMTP_FROM). Without
// configuration it does nothing: applicants follow progress with their query
// code on the portal.
package notify

import (
	"encoding/base64"
	"errors"
	"fmt"
	"log/slog"
	"mime"
	"net/mail"
	"net/smtp"
	"os"
	"strings"
	"sync"
	"time"
)

// Mailer sends plain-text UTF-8 mail. A nil *Mailer is valid and sends
// nothing.
type Mailer struct {
	Addr string // host:port
	From string
	wg   sync.WaitGroup
}

// FromEnv returns a Mailer from XINYONG_SMTP_ADDR and XINYONG_SMTP_FROM, or
// nil when either is unset.
func FromEnv() *Mailer {
	addr, from := strings.TrimSpace(os.Getenv("XINYONG_SMTP_ADDR")), strings.TrimSpace(os.Getenv("XINYONG_SMTP_FROM"))
	if addr == "" || from == "" {
		return nil
	}
	return &Mailer{Addr: addr, From: from}
}

// Enabled reports whether mail is sent.
func (m *Mailer) Enabled() bool { return m != nil }

// Message builds the RFC 5322 message (UTF-8 subject as an encoded word,
// base64 body). Addresses are parsed so that no header can be injected.
func Message(from, to, subject, body string, now time.Time) ([]byte, error) {
	f, err := mail.ParseAddress(from)
	if err != nil {
		return nil, fmt.Errorf("from address: %w", err)
	}
	t, err := mail.ParseAddress(to)
	if err != nil {
		return nil, fmt.Errorf("to address: %w", err)
	}
	var b strings.Builder
	b.WriteString("From: " + f.String() + "\r\n")
	b.WriteString("To: " + t.String() + "\r\n")
	b.WriteString("Subject: " + mime.BEncoding.Encode("utf-8", strings.NewReplacer("\r", " ", "\n", " ").Replace(subject)) + "\r\n")
	b.WriteString("Date: " + now.Format(time.RFC1123Z) + "\r\n")
	b.WriteString("MIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: base64\r\n\r\n")
	enc := base64.StdEncoding.EncodeToString([]byte(body))
	for len(enc) > 76 {
		b.WriteString(enc[:76] + "\r\n")
		enc = enc[76:]
	}
	b.WriteString(enc + "\r\n")
	return []byte(b.String()), nil
}

// Send delivers one message synchronously.
func (m *Mailer) Send(to, subject, body string) error {
	if m == nil {
		return errors.New("notify: SMTP not configured")
	}
	msg, err := Message(m.From, to, subject, body, time.Now())
	if err != nil {
		return err
	}
	t, _ := mail.ParseAddress(to)
	f, _ := mail.ParseAddress(m.From)
	return smtp.SendMail(m.Addr, nil, f.Address, []string{t.Address}, msg)
}

// Go sends in the background (after the change has committed); failures are
// logged without the recipient's address.
func (m *Mailer) Go(to, subject, body string) {
	if m == nil || strings.TrimSpace(to) == "" {
		return
	}
	m.wg.Add(1)
	go func() {
		defer m.wg.Done()
		if err := m.Send(to, subject, body); err != nil {
			slog.Warn("notify: mail not sent", "err", err)
		}
	}()
}

// Wait waits for background sends (tests, shutdown).
func (m *Mailer) Wait() {
	if m != nil {
		m.wg.Wait()
	}
}
