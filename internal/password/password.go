// Package password hashes administrators' passwords with argon2id and
// checks them, in the PHC string format
// ($argon2id$v=19$m=…,t=…,p=…$salt$hash) that other tools read too.
package password

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"fmt"
	"strings"
	"unicode/utf8"

	"golang.org/x/crypto/argon2"
)

// Params are argon2id's costs. A hash keeps the ones it was made with, so
// raising them later leaves existing passwords valid.
type Params struct {
	Memory  uint32 // KiB
	Time    uint32 // passes
	Threads uint8
}

// Default is OWASP's first recommended argon2id setting (19 MiB, two
// passes, one thread): about 30 ms on a small server, and a guess costs an
// attacker as much.
var Default = Params{Memory: 19 * 1024, Time: 2, Threads: 1}

const (
	saltLen = 16
	keyLen  = 32
	// MinLength is the shortest password accepted, in characters.
	MinLength = 12
	// maxLength keeps one login attempt from hashing megabytes.
	maxLength = 1024
)

// ErrMismatch is returned by Verify for a wrong password.
var ErrMismatch = errors.New("the password does not match")

// Check says what is wrong with a new password, in words, or nil.
func Check(pw string) error {
	switch n := utf8.RuneCountInString(pw); {
	case n < MinLength:
		return fmt.Errorf("the password has %d characters; it needs at least %d", n, MinLength)
	case len(pw) > maxLength:
		return fmt.Errorf("the password is longer than %d bytes", maxLength)
	}
	return nil
}

// Hash returns the PHC string of pw under p, with a fresh random salt.
func Hash(pw string, p Params) (string, error) {
	if err := Check(pw); err != nil {
		return "", err
	}
	salt := make([]byte, saltLen)
	if _, err := rand.Read(salt); err != nil {
		return "", fmt.Errorf("drawing a salt: %w", err)
	}
	key := argon2.IDKey([]byte(pw), salt, p.Time, p.Memory, p.Threads, keyLen)
	b64 := base64.RawStdEncoding
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s", argon2.Version, p.Memory, p.Time, p.Threads,
		b64.EncodeToString(salt), b64.EncodeToString(key)), nil
}

// Verify checks pw against a PHC string made by Hash: nil when it
// matches, ErrMismatch when it does not, another error when encoded is
// no argon2id hash.
func Verify(encoded, pw string) error {
	p, salt, key, err := decode(encoded)
	if err != nil {
		return err
	}
	if len(pw) > maxLength {
		return ErrMismatch
	}
	got := argon2.IDKey([]byte(pw), salt, p.Time, p.Memory, p.Threads, uint32(len(key)))
	if subtle.ConstantTimeCompare(got, key) != 1 {
		return ErrMismatch
	}
	return nil
}

func decode(encoded string) (Params, []byte, []byte, error) {
	bad := func(why string) (Params, []byte, []byte, error) {
		return Params{}, nil, nil, fmt.Errorf("the stored password hash is not an argon2id PHC string: %s", why)
	}
	parts := strings.Split(encoded, "$")
	if len(parts) != 6 || parts[0] != "" || parts[1] != "argon2id" {
		return bad("it does not start with $argon2id$ or has the wrong number of fields")
	}
	var version int
	if _, err := fmt.Sscanf(parts[2], "v=%d", &version); err != nil || version != argon2.Version {
		return bad("unsupported version " + parts[2])
	}
	var p Params
	if _, err := fmt.Sscanf(parts[3], "m=%d,t=%d,p=%d", &p.Memory, &p.Time, &p.Threads); err != nil {
		return bad("unreadable parameters " + parts[3])
	}
	// Bounds keep a tampered row from making one login cost gigabytes.
	if p.Memory < 8 || p.Memory > 1<<18 || p.Time < 1 || p.Time > 16 || p.Threads < 1 {
		return bad("parameters out of range " + parts[3])
	}
	b64 := base64.RawStdEncoding
	salt, err := b64.DecodeString(parts[4])
	if err != nil || len(salt) < 8 {
		return bad("unreadable salt")
	}
	key, err := b64.DecodeString(parts[5])
	if err != nil || len(key) < 16 || len(key) > 64 {
		return bad("unreadable key")
	}
	return p, salt, key, nil
}
