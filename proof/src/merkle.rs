//! Verification of Merkle tree proofs as RFC 9162 (Certificate Transparency 2.0) defines them.
//!
//! The server keeps an append-only log of every accepted snapshot; a receipt proves that one
//! entry is in the tree a signed checkpoint commits to (inclusion), and two checkpoints of the
//! same log prove that the later tree extends the earlier one (consistency). These checks run
//! in the agent on every receipt and again, offline, on exported evidence: they trust nothing
//! but the hashes given, and refuse proofs of the wrong length instead of guessing.
//!
//! Hashing (RFC 9162 §2.1.1): a leaf hash is `SHA-256(0x00 || data)`, an interior node
//! `SHA-256(0x01 || left || right)`. Proof elements are ordered from the leaf up.

use ring::digest::{digest, SHA256};

/// A SHA-256 value: leaf, node or root hash.
pub type Hash = [u8; 32];

/// A proof can hold at most one hash per level of a tree of 2^64 leaves.
pub const MAX_PROOF_LEN: usize = 64;

/// Why a proof does not hold.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum MerkleError {
    /// The leaf index is not inside the tree.
    #[error("leaf index {index} is outside a tree of size {size}")]
    IndexOutOfRange {
        /// Leaf index claimed.
        index: u64,
        /// Tree size claimed.
        size: u64,
    },
    /// The two tree sizes of a consistency proof are not in order, or the first is zero.
    #[error("cannot prove consistency from size {from} to size {to}")]
    BadSizes {
        /// Size of the earlier tree.
        from: u64,
        /// Size of the later tree.
        to: u64,
    },
    /// The proof has more or fewer hashes than the tree shape requires.
    #[error("the proof has the wrong number of hashes ({0})")]
    WrongLength(usize),
    /// The hashes do not lead to the expected root.
    #[error("the proof does not lead to the expected root hash")]
    RootMismatch,
}

/// `SHA-256(0x00 || data)`: the hash of a log entry.
pub fn hash_leaf(data: &[u8]) -> Hash {
    let mut input = Vec::with_capacity(1 + data.len());
    input.push(0x00);
    input.extend_from_slice(data);
    sha256(&input)
}

/// `SHA-256(0x01 || left || right)`: the hash of an interior node.
pub fn hash_children(left: &Hash, right: &Hash) -> Hash {
    let mut input = [0u8; 65];
    input[0] = 0x01;
    input[1..33].copy_from_slice(left);
    input[33..].copy_from_slice(right);
    sha256(&input)
}

fn sha256(bytes: &[u8]) -> Hash {
    let mut out = [0u8; 32];
    out.copy_from_slice(digest(&SHA256, bytes).as_ref());
    out
}

/// Checks that the leaf with hash `leaf_hash` sits at `index` in the tree of `size` leaves
/// whose root is `root` (RFC 9162 §2.1.3.2).
pub fn verify_inclusion(
    leaf_hash: &Hash,
    index: u64,
    size: u64,
    proof: &[Hash],
    root: &Hash,
) -> Result<(), MerkleError> {
    if index >= size {
        return Err(MerkleError::IndexOutOfRange { index, size });
    }
    if proof.len() > MAX_PROOF_LEN {
        return Err(MerkleError::WrongLength(proof.len()));
    }
    let mut f_n = index;
    let mut s_n = size - 1;
    let mut r = *leaf_hash;
    for p in proof {
        if s_n == 0 {
            return Err(MerkleError::WrongLength(proof.len()));
        }
        if f_n & 1 == 1 || f_n == s_n {
            r = hash_children(p, &r);
            if f_n & 1 == 0 {
                while f_n & 1 == 0 && f_n != 0 {
                    f_n >>= 1;
                    s_n >>= 1;
                }
            }
        } else {
            r = hash_children(&r, p);
        }
        f_n >>= 1;
        s_n >>= 1;
    }
    if s_n != 0 {
        return Err(MerkleError::WrongLength(proof.len()));
    }
    if &r != root {
        return Err(MerkleError::RootMismatch);
    }
    Ok(())
}

/// Checks that the tree of `to` leaves with root `to_root` extends the tree of `from` leaves
/// with root `from_root` (RFC 9162 §2.1.4.2). Equal sizes need an empty proof and equal roots.
pub fn verify_consistency(
    from: u64,
    to: u64,
    from_root: &Hash,
    to_root: &Hash,
    proof: &[Hash],
) -> Result<(), MerkleError> {
    if from == 0 || from > to {
        return Err(MerkleError::BadSizes { from, to });
    }
    if proof.len() > MAX_PROOF_LEN {
        return Err(MerkleError::WrongLength(proof.len()));
    }
    if from == to {
        if !proof.is_empty() {
            return Err(MerkleError::WrongLength(proof.len()));
        }
        return if from_root == to_root {
            Ok(())
        } else {
            Err(MerkleError::RootMismatch)
        };
    }
    if proof.is_empty() {
        return Err(MerkleError::WrongLength(0));
    }
    // When the earlier tree is a complete subtree, its root is the first node of the path.
    let path: Vec<Hash> = if from.is_power_of_two() {
        std::iter::once(*from_root)
            .chain(proof.iter().copied())
            .collect()
    } else {
        proof.to_vec()
    };
    let mut f_n = from - 1;
    let mut s_n = to - 1;
    while f_n & 1 == 1 {
        f_n >>= 1;
        s_n >>= 1;
    }
    let mut f_r = path[0];
    let mut s_r = path[0];
    for c in &path[1..] {
        if s_n == 0 {
            return Err(MerkleError::WrongLength(proof.len()));
        }
        if f_n & 1 == 1 || f_n == s_n {
            f_r = hash_children(c, &f_r);
            s_r = hash_children(c, &s_r);
            if f_n & 1 == 0 {
                while f_n & 1 == 0 && f_n != 0 {
                    f_n >>= 1;
                    s_n >>= 1;
                }
            }
        } else {
            s_r = hash_children(&s_r, c);
        }
        f_n >>= 1;
        s_n >>= 1;
    }
    if s_n != 0 {
        return Err(MerkleError::WrongLength(proof.len()));
    }
    if &f_r != from_root || &s_r != to_root {
        return Err(MerkleError::RootMismatch);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    // Reference tree of RFC 9162 §2.1.1-2.1.4, written straight from its recursive
    // definitions, to generate proofs the iterative verifiers must accept.
    fn split(n: usize) -> usize {
        let mut k = 1;
        while k * 2 < n {
            k *= 2;
        }
        k
    }

    fn mth(leaves: &[Hash]) -> Hash {
        match leaves.len() {
            0 => sha256(b""),
            1 => leaves[0],
            n => {
                let k = split(n);
                hash_children(&mth(&leaves[..k]), &mth(&leaves[k..]))
            }
        }
    }

    fn path(m: usize, leaves: &[Hash]) -> Vec<Hash> {
        let n = leaves.len();
        if n <= 1 {
            return vec![];
        }
        let k = split(n);
        if m < k {
            let mut p = path(m, &leaves[..k]);
            p.push(mth(&leaves[k..]));
            p
        } else {
            let mut p = path(m - k, &leaves[k..]);
            p.push(mth(&leaves[..k]));
            p
        }
    }

    fn subproof(m: usize, leaves: &[Hash], complete: bool) -> Vec<Hash> {
        let n = leaves.len();
        if m == n {
            return if complete { vec![] } else { vec![mth(leaves)] };
        }
        let k = split(n);
        if m <= k {
            let mut p = subproof(m, &leaves[..k], complete);
            p.push(mth(&leaves[k..]));
            p
        } else {
            let mut p = subproof(m - k, &leaves[k..], false);
            p.push(mth(&leaves[..k]));
            p
        }
    }

    /// The classic Certificate Transparency test leaves.
    fn ct_leaves() -> Vec<Hash> {
        let data: [&[u8]; 8] = [
            b"",
            &[0x00],
            &[0x10],
            &[0x20, 0x21],
            &[0x30, 0x31],
            &[0x40, 0x41, 0x42, 0x43],
            &[0x50, 0x51, 0x52, 0x53, 0x54, 0x55, 0x56, 0x57],
            &[
                0x60, 0x61, 0x62, 0x63, 0x64, 0x65, 0x66, 0x67, 0x68, 0x69, 0x6a, 0x6b, 0x6c, 0x6d,
                0x6e, 0x6f,
            ],
        ];
        data.iter().map(|d| hash_leaf(d)).collect()
    }

    fn leaves(n: usize) -> Vec<Hash> {
        (0..n as u32).map(|i| hash_leaf(&i.to_be_bytes())).collect()
    }

    #[test]
    fn roots_match_the_certificate_transparency_vectors() {
        let expected = [
            "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
            "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
            "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
            "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
            "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
            "76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
            "ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
            "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328",
        ];
        let all = ct_leaves();
        for (n, root) in expected.iter().enumerate() {
            assert_eq!(hex::encode(mth(&all[..=n])), *root, "size {}", n + 1);
        }
    }

    #[test]
    fn every_inclusion_proof_of_small_trees_verifies() {
        for n in 1..=33 {
            let l = leaves(n);
            let root = mth(&l);
            for m in 0..n {
                let p = path(m, &l);
                assert_eq!(
                    verify_inclusion(&l[m], m as u64, n as u64, &p, &root),
                    Ok(()),
                    "leaf {m} of {n}"
                );
            }
        }
    }

    #[test]
    fn corrupted_inclusion_proofs_are_refused() {
        for n in 1..=17 {
            let l = leaves(n);
            let root = mth(&l);
            for m in 0..n {
                let p = path(m, &l);
                let (i, s) = (m as u64, n as u64);
                // Each proof element flipped in turn.
                for e in 0..p.len() {
                    let mut bad = p.clone();
                    bad[e][0] ^= 1;
                    assert!(verify_inclusion(&l[m], i, s, &bad, &root).is_err());
                }
                // Another leaf, another root, another index, another size.
                let other = hash_leaf(b"other");
                assert!(verify_inclusion(&other, i, s, &p, &root).is_err());
                let mut bad_root = root;
                bad_root[31] ^= 0x80;
                assert_eq!(
                    verify_inclusion(&l[m], i, s, &p, &bad_root),
                    Err(MerkleError::RootMismatch)
                );
                for wrong in [i + 1, i.wrapping_sub(1), i ^ 1] {
                    if wrong != i && wrong < s {
                        assert!(verify_inclusion(&l[m], wrong, s, &p, &root).is_err());
                    }
                }
                // A proof does not authenticate the tree size by itself (the signed checkpoint
                // does): another size is refused whenever it implies another proof shape.
                for wrong in [s + 1, s * 2, s + 7] {
                    if path(m, &leaves(wrong as usize)).len() != p.len() {
                        assert!(verify_inclusion(&l[m], i, wrong, &p, &root).is_err());
                    }
                }
                // Truncated, extended.
                if !p.is_empty() {
                    assert!(verify_inclusion(&l[m], i, s, &p[..p.len() - 1], &root).is_err());
                }
                let mut longer = p.clone();
                longer.push(root);
                assert!(verify_inclusion(&l[m], i, s, &longer, &root).is_err());
            }
        }
    }

    #[test]
    fn inclusion_refuses_impossible_inputs() {
        let h = hash_leaf(b"x");
        let cases: &[(u64, u64, usize, MerkleError)] = &[
            (0, 0, 0, MerkleError::IndexOutOfRange { index: 0, size: 0 }),
            (5, 5, 0, MerkleError::IndexOutOfRange { index: 5, size: 5 }),
            (
                u64::MAX,
                u64::MAX,
                1,
                MerkleError::IndexOutOfRange {
                    index: u64::MAX,
                    size: u64::MAX,
                },
            ),
            (0, u64::MAX, 65, MerkleError::WrongLength(65)),
            (0, 1, 1, MerkleError::WrongLength(1)),
            (0, 4, 1, MerkleError::WrongLength(1)),
        ];
        for (index, size, len, err) in cases {
            let proof = vec![h; *len];
            assert_eq!(
                verify_inclusion(&h, *index, *size, &proof, &h).as_ref(),
                Err(err),
                "index {index} size {size} len {len}"
            );
        }
        // A single-leaf tree: the leaf is the root.
        assert_eq!(verify_inclusion(&h, 0, 1, &[], &h), Ok(()));
        assert_eq!(
            verify_inclusion(&h, 0, 1, &[], &hash_leaf(b"y")),
            Err(MerkleError::RootMismatch)
        );
        // The largest tree does not overflow.
        assert!(verify_inclusion(&h, u64::MAX - 1, u64::MAX, &vec![h; 64], &h).is_err());
    }

    #[test]
    fn every_consistency_proof_of_small_trees_verifies() {
        let l = leaves(33);
        for n in 1..=33 {
            let new_root = mth(&l[..n]);
            for m in 1..=n {
                let p = if m == n {
                    vec![]
                } else {
                    subproof(m, &l[..n], true)
                };
                assert_eq!(
                    verify_consistency(m as u64, n as u64, &mth(&l[..m]), &new_root, &p),
                    Ok(()),
                    "from {m} to {n}"
                );
            }
        }
    }

    #[test]
    fn corrupted_consistency_proofs_are_refused() {
        let l = leaves(18);
        for n in 2..=17 {
            let new_root = mth(&l[..n]);
            for m in 1..n {
                let old_root = mth(&l[..m]);
                let p = subproof(m, &l[..n], true);
                let (a, b) = (m as u64, n as u64);
                for e in 0..p.len() {
                    let mut bad = p.clone();
                    bad[e][5] ^= 4;
                    assert!(
                        verify_consistency(a, b, &old_root, &new_root, &bad).is_err(),
                        "element {e} from {m} to {n}"
                    );
                }
                let mut bad_old = old_root;
                bad_old[0] ^= 1;
                assert!(verify_consistency(a, b, &bad_old, &new_root, &p).is_err());
                let mut bad_new = new_root;
                bad_new[0] ^= 1;
                assert!(verify_consistency(a, b, &old_root, &bad_new, &p).is_err());
                // As for inclusion, sizes are refused whenever they imply another proof shape.
                if subproof(m, &l[..n + 1], true).len() != p.len() {
                    assert!(verify_consistency(a, b + 1, &old_root, &new_root, &p).is_err());
                }
                if m > 1 && subproof(m - 1, &l[..n], true).len() != p.len() {
                    assert!(verify_consistency(a - 1, b, &old_root, &new_root, &p).is_err());
                }
                assert!(verify_consistency(a, b, &old_root, &new_root, &p[1..]).is_err());
                let mut longer = p.clone();
                longer.push(new_root);
                assert!(verify_consistency(a, b, &old_root, &new_root, &longer).is_err());
                assert!(verify_consistency(a, b, &old_root, &new_root, &[]).is_err());
            }
        }
    }

    #[test]
    fn consistency_refuses_impossible_sizes() {
        let h = hash_leaf(b"x");
        assert_eq!(
            verify_consistency(0, 3, &h, &h, &[h]),
            Err(MerkleError::BadSizes { from: 0, to: 3 })
        );
        assert_eq!(
            verify_consistency(4, 3, &h, &h, &[h]),
            Err(MerkleError::BadSizes { from: 4, to: 3 })
        );
        assert_eq!(verify_consistency(3, 3, &h, &h, &[]), Ok(()));
        assert_eq!(
            verify_consistency(3, 3, &h, &h, &[h]),
            Err(MerkleError::WrongLength(1))
        );
        assert_eq!(
            verify_consistency(3, 3, &h, &hash_leaf(b"y"), &[]),
            Err(MerkleError::RootMismatch)
        );
        assert_eq!(
            verify_consistency(1, u64::MAX, &h, &h, &vec![h; 65]),
            Err(MerkleError::WrongLength(65))
        );
    }
}
