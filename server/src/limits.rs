//! Rate limits: one token bucket per client address or agent key, kept in memory.
//!
//! A bucket holds at most a minute's worth of tokens and refills continuously; a request
//! takes one token, and when none is left it is answered 429 with the seconds until the next
//! one (`Retry-After`). Buckets live in this process only: several server processes sharing
//! one database each count on their own (the limits are about one machine's load and about
//! guessing, and a guesser spread over processes still meets each one's limit).
//!
//! Memory is bounded: past [`MAX_BUCKETS`] buckets, the full ones (clients idle for a minute)
//! are forgotten; if all are busy the table starts again empty rather than grow (a flood of
//! addresses then gets one minute's allowance each, never unbounded memory). IPv6 clients are
//! counted by their /64, which is what one subscriber usually holds.

use std::collections::HashMap;
use std::net::{IpAddr, SocketAddr};
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// Most buckets one limiter keeps.
pub const MAX_BUCKETS: usize = 100_000;

#[derive(Debug, Clone, Copy)]
struct Bucket {
    tokens: f64,
    at: Instant,
}

/// A token-bucket limiter of `per_minute` requests per minute for each key.
#[derive(Debug)]
pub struct RateLimiter {
    per_minute: u32,
    buckets: Mutex<HashMap<String, Bucket>>,
}

impl RateLimiter {
    /// A limiter of `per_minute` per key; 0 lets everything through.
    pub fn new(per_minute: u32) -> RateLimiter {
        RateLimiter {
            per_minute,
            buckets: Mutex::new(HashMap::new()),
        }
    }

    /// Takes a token for `who`, or says how long until one is available.
    pub fn check(&self, who: &str) -> Result<(), Duration> {
        self.check_at(who, Instant::now())
    }

    fn check_at(&self, who: &str, now: Instant) -> Result<(), Duration> {
        if self.per_minute == 0 {
            return Ok(());
        }
        let capacity = f64::from(self.per_minute);
        let per_second = capacity / 60.0;
        // A poisoned lock only means another request panicked while counting: the counts
        // are still usable.
        let mut buckets = self
            .buckets
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        if buckets.len() >= MAX_BUCKETS && !buckets.contains_key(who) {
            buckets.retain(|_, b| {
                let elapsed = now.saturating_duration_since(b.at).as_secs_f64();
                b.tokens + elapsed * per_second < capacity
            });
            if buckets.len() >= MAX_BUCKETS {
                tracing::warn!(
                    buckets = buckets.len(),
                    "rate limiter table full of busy clients; starting again"
                );
                buckets.clear();
            }
        }
        let bucket = buckets.entry(who.to_string()).or_insert(Bucket {
            tokens: capacity,
            at: now,
        });
        let elapsed = now.saturating_duration_since(bucket.at).as_secs_f64();
        bucket.tokens = (bucket.tokens + elapsed * per_second).min(capacity);
        bucket.at = now;
        if bucket.tokens >= 1.0 {
            bucket.tokens -= 1.0;
            Ok(())
        } else {
            Err(Duration::from_secs_f64((1.0 - bucket.tokens) / per_second))
        }
    }
}

/// The key a client address is counted under: the IPv4 address, or the /64 of an IPv6 one.
pub fn address_key(address: SocketAddr) -> String {
    match address.ip() {
        IpAddr::V4(v4) => v4.to_string(),
        IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
            Some(v4) => v4.to_string(),
            None => {
                let s = v6.segments();
                format!("{:x}:{:x}:{:x}:{:x}::/64", s[0], s[1], s[2], s[3])
            }
        },
    }
}

/// Whole seconds to announce in `Retry-After` (at least 1).
pub fn retry_after_seconds(wait: Duration) -> u64 {
    wait.as_secs() + u64::from(wait.subsec_nanos() > 0)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn a_minute_of_tokens_then_one_every_period() {
        let limiter = RateLimiter::new(6);
        let t0 = Instant::now();
        for _ in 0..6 {
            assert!(limiter.check_at("a", t0).is_ok());
        }
        let wait = limiter.check_at("a", t0).unwrap_err();
        assert_eq!(retry_after_seconds(wait), 10);
        // Another client is not affected.
        assert!(limiter.check_at("b", t0).is_ok());
        // Ten seconds later one token is back, and only one.
        let t1 = t0 + Duration::from_secs(10);
        assert!(limiter.check_at("a", t1).is_ok());
        assert!(limiter.check_at("a", t1).is_err());
    }

    #[test]
    fn zero_means_no_limit() {
        let limiter = RateLimiter::new(0);
        let t0 = Instant::now();
        for _ in 0..10_000 {
            assert!(limiter.check_at("a", t0).is_ok());
        }
    }

    #[test]
    fn memory_stays_bounded_under_a_flood_of_addresses() {
        let limiter = RateLimiter::new(1);
        let t0 = Instant::now();
        for i in 0..(MAX_BUCKETS + 10) {
            let _ = limiter.check_at(&i.to_string(), t0);
        }
        assert!(limiter.buckets.lock().unwrap().len() <= MAX_BUCKETS);
    }

    #[test]
    fn ipv6_clients_count_by_their_64() {
        let a: SocketAddr = "[2001:db8:1:2:aaaa::1]:443".parse().unwrap();
        let b: SocketAddr = "[2001:db8:1:2:bbbb::9]:80".parse().unwrap();
        let c: SocketAddr = "[2001:db8:1:3::1]:80".parse().unwrap();
        assert_eq!(address_key(a), address_key(b));
        assert_ne!(address_key(a), address_key(c));
        let v4: SocketAddr = "[::ffff:192.0.2.7]:1".parse().unwrap();
        assert_eq!(address_key(v4), "192.0.2.7");
    }
}
