package render

import "sync/atomic"

// entryVisits counts the transcript entries the annotated layout reads, for
// the test that holds it linear in the transcript's length (issue 16: scans
// back and forth for every entry made explain and report quadratic). A
// count, not a time, so the test is as exact on a busy machine as on an
// idle one.
var entryVisits atomic.Int64
