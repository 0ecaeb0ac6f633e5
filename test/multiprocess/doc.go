// Package multiprocess holds process-level tests of Revue: they build the
// revue binary, run several real revue processes against one database and a
// loopback feed farm, kill some of them, and check what the database and the
// portal hold afterwards. It has no code of its own besides the tests.
package multiprocess
