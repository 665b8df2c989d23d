//! Databases of their own on the test PostgreSQL server. One copy for every test that needs
//! one: the server's tests reach it through `common`, the end-to-end crash test
//! (`tests/tests/crash.rs`) includes this file by its path.

use sqlx::Connection as _;

/// Where tests create their databases: `LUCARNE_TEST_POSTGRES`, or the local test server
/// (`tests/setup.sh` starts it).
pub(crate) fn admin_url() -> String {
    std::env::var("LUCARNE_TEST_POSTGRES")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/test".to_string())
}

async fn admin() -> sqlx::postgres::PgConnection {
    sqlx::postgres::PgConnection::connect(&admin_url())
        .await
        .expect("PostgreSQL for tests (see tests/setup.sh, LUCARNE_TEST_POSTGRES)")
}

/// Creates a fresh database named after `prefix`, this process and a counter (unique among
/// the tests running at once; a leftover of an earlier run of the same name is dropped
/// first); returns its URL and its name.
pub(crate) async fn create_database(prefix: &str) -> (String, String) {
    static NEXT: std::sync::atomic::AtomicU32 = std::sync::atomic::AtomicU32::new(0);
    let n = NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let name = format!("{prefix}_{}_{n}", std::process::id());
    let mut conn = admin().await;
    for statement in [
        format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"),
        format!("CREATE DATABASE {name}"),
    ] {
        sqlx::query(sqlx::AssertSqlSafe(statement))
            .execute(&mut conn)
            .await
            .unwrap();
    }
    let admin = admin_url();
    let base = admin.rsplit_once('/').map(|(b, _)| b).unwrap();
    (format!("{base}/{name}"), name)
}

/// Drops the database `name`, closing what is still connected to it.
pub(crate) async fn drop_database(name: &str) {
    sqlx::query(sqlx::AssertSqlSafe(format!(
        "DROP DATABASE IF EXISTS {name} WITH (FORCE)"
    )))
    .execute(&mut admin().await)
    .await
    .unwrap();
}
