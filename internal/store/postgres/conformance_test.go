package postgres

import (
	"testing"

	"revue"
	"revue/internal/store/storetest"
)

func TestConformance(t *testing.T) {
	t.Parallel()
	storetest.Run(t, func(t *testing.T) revue.Store { return newStore(t) })
}
