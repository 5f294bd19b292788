package warehouse

// MigrateTo is migrateTo, for the upgrade tests of package warehouse_test.
var MigrateTo = migrateTo
