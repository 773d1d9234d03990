/**
 * The MySQL and MariaDB dialect, through MySQL Connector/J: consistent read-only snapshots with the session in UTC and
 * the profile's statement and lock limits, keyset-paged streaming reads into Arrow, and the type mapping of
 * docs/design/007-mysql-dialect.md.
 */
package io.rivet.core.internal.dialect.mysql;
