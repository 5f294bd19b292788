package warehouse

// MigrateTo is migrateTo, for the upgrade tests of package warehouse_test.
var MigrateTo = migrateTo

// SetRefreshSlice sets the most items one finalizing statement reads, and
// returns a function that restores it.
func SetRefreshSlice(n uint64) (restore func()) {
	old := refreshSlice
	refreshSlice = n
	return func() { refreshSlice = old }
}
