package password

import (
	"errors"
	"strings"
	"testing"
)

// cheap keeps the tests quick; Default is tested once.
var cheap = Params{Memory: 64, Time: 1, Threads: 1}

func TestHashAndVerify(t *testing.T) {
	h, err := Hash("correct horse battery staple", Default)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(h, "$argon2id$v=19$m=19456,t=2,p=1$") {
		t.Errorf("hash %q is not argon2id with the default costs", h)
	}
	if strings.Contains(h, "correct horse") {
		t.Error("the hash holds the password")
	}
	tests := []struct {
		pw   string
		want error
	}{
		{"correct horse battery staple", nil},
		{"correct horse battery stapl", ErrMismatch},
		{"Correct horse battery staple", ErrMismatch},
		{"", ErrMismatch},
		{strings.Repeat("x", 5000), ErrMismatch},
	}
	for _, tc := range tests {
		if err := Verify(h, tc.pw); !errors.Is(err, tc.want) {
			t.Errorf("Verify(%.20q) = %v, want %v", tc.pw, err, tc.want)
		}
	}
	again, err := Hash("correct horse battery staple", Default)
	if err != nil {
		t.Fatal(err)
	}
	if again == h {
		t.Error("two hashes of one password are equal: the salt is not random")
	}
}

func TestVerifyKeepsTheHashsCosts(t *testing.T) {
	h, err := Hash("un mot de passe assez long", cheap)
	if err != nil {
		t.Fatal(err)
	}
	if err := Verify(h, "un mot de passe assez long"); err != nil {
		t.Errorf("a hash made with other costs: %v", err)
	}
}

func TestCheck(t *testing.T) {
	for _, tc := range []struct {
		pw string
		ok bool
	}{
		{"court", false},
		{"onze caract", false},
		{"douze caract", true},
		{"كلمة سر طويلة", true},
		{strings.Repeat("a", 1025), false},
	} {
		if err := Check(tc.pw); (err == nil) != tc.ok {
			t.Errorf("Check(%.20q) = %v, want ok %v", tc.pw, err, tc.ok)
		}
		if _, err := Hash(tc.pw, cheap); (err == nil) != tc.ok {
			t.Errorf("Hash(%.20q) error %v, want ok %v", tc.pw, err, tc.ok)
		}
	}
}

func TestVerifyRefusesWhatIsNoHash(t *testing.T) {
	good, err := Hash("un mot de passe assez long", cheap)
	if err != nil {
		t.Fatal(err)
	}
	parts := strings.Split(good, "$")
	for _, bad := range []string{
		"",
		"plain text password",
		"$2a$10$abcdefghijklmnopqrstuu", // bcrypt
		strings.Replace(good, "argon2id", "argon2i", 1),
		strings.Replace(good, "v=19", "v=16", 1),
		"$argon2id$v=19$m=4194304,t=1,p=1$" + parts[4] + "$" + parts[5], // 4 GiB
		"$argon2id$v=19$m=524288,t=1,p=1$" + parts[4] + "$" + parts[5],  // 512 MiB
		"$argon2id$v=19$m=64,t=1,p=1$!!!$" + parts[5],
		"$argon2id$v=19$m=64,t=1,p=1$" + parts[4] + "$",
	} {
		err := Verify(bad, "un mot de passe assez long")
		if err == nil || errors.Is(err, ErrMismatch) {
			t.Errorf("Verify(%q) = %v, want an error about the stored hash", bad, err)
		}
	}
}

func FuzzVerify(f *testing.F) {
	good, err := Hash("un mot de passe assez long", cheap)
	if err != nil {
		f.Fatal(err)
	}
	f.Add(good, "un mot de passe assez long")
	f.Add("$argon2id$v=19$m=64,t=1,p=1$c2FsdHNhbHQ$a2V5a2V5a2V5a2V5a2V5", "x")
	f.Fuzz(func(t *testing.T, encoded, pw string) {
		if err := Verify(encoded, pw); err == nil && encoded != good {
			// Only a real hash of pw may match; decode must have read it.
			if _, _, _, derr := decode(encoded); derr != nil {
				t.Fatalf("Verify accepted %q although it does not decode: %v", encoded, derr)
			}
		}
	})
}
