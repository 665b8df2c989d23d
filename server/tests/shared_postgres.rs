//! Two server instances on one PostgreSQL database, taking uploads at the same time, keep one
//! consistent log: every leaf once, the tree a recomputation agrees with, every checkpoint
//! consistent with the last.
#![allow(clippy::unwrap_used)]

mod common;

use common::*;

const DEVICES: usize = 4;
const UPLOADS_PER_DEVICE: usize = 6;

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn two_instances_one_log() {
    let db = TestDb::postgres().await;
    let dir = tempfile::tempdir().unwrap();
    let config = config(dir.path(), &db);
    let a = std::sync::Arc::new(TestServer::start(&config).await);
    let b = std::sync::Arc::new(TestServer::start(&config).await);

    let mut tasks = Vec::new();
    for device in 0..DEVICES {
        let (a, b) = (a.clone(), b.clone());
        tasks.push(tokio::spawn(async move {
            let agent = Agent::new();
            let (status, _) = agent.register(&a, &a.invite().await).await;
            assert_eq!(status, 200);
            let mut chain = Chain::new(&format!("DEVICE-{device}"));
            let mut state = base_state();
            let mut uploads = Vec::new();
            for i in 0..UPLOADS_PER_DEVICE {
                state.device.os_version = Some(format!("18.{i}"));
                let body = agent.envelope(&chain.next_bytes(&state));
                // Alternate instances so both append concurrently.
                let server = if (device + i) % 2 == 0 { &a } else { &b };
                let (status, receipt) = agent.post(server, body.clone()).await;
                assert_eq!(status, 200, "{receipt}");
                uploads.push((body, receipt));
            }
            uploads
        }));
    }
    let mut uploads = Vec::new();
    for task in tasks {
        uploads.extend(task.await.unwrap());
    }
    let total = DEVICES * UPLOADS_PER_DEVICE;

    // Every leaf once.
    let mut indexes: Vec<u64> = uploads
        .iter()
        .map(|(_, r)| r["leaf_index"].as_u64().unwrap())
        .collect();
    indexes.sort_unstable();
    assert_eq!(indexes, (0..total as u64).collect::<Vec<_>>());

    // The entries, as a monitor reads them, are the uploads' hashes in leaf order, and an
    // independent tree built from them has the final checkpoint's root.
    let (status, bundle) = get_bytes(&a, &format!("/tile/entries/000.p/{total}")).await;
    assert_eq!(status, 200);
    let entries: Vec<[u8; 32]> = bundle
        .chunks(34)
        .map(|c| {
            assert_eq!(&c[..2], &[0, 32]);
            c[2..].try_into().unwrap()
        })
        .collect();
    for (body, receipt) in &uploads {
        let index = receipt["leaf_index"].as_u64().unwrap() as usize;
        assert_eq!(entries[index], sha256(body));
    }
    let mut tree = ct_merkle::mem_backed_tree::MemoryBackedTree::<sha2::Sha256, [u8; 32]>::new();
    for entry in &entries {
        tree.push(*entry);
    }
    let (_, final_text) = get_text(&b, "/checkpoint").await;
    assert_eq!(get_text(&a, "/checkpoint").await.1, final_text);
    let (_, size, root) = parse_checkpoint(&final_text);
    assert_eq!(size, total as u64);
    assert_eq!(tree.root().as_bytes().as_slice(), &root);

    // Every receipt's checkpoint is a prefix of the final tree, and its proof holds.
    for (body, receipt) in &uploads {
        let (_, old_size, old_root) = parse_checkpoint(receipt["checkpoint"].as_str().unwrap());
        let index = receipt["leaf_index"].as_u64().unwrap();
        assert!(ct_merkle_inclusion(
            old_root,
            old_size,
            &sha256(body),
            index,
            proof_bytes(&receipt["inclusion_proof"])
        ));
        if old_size < size {
            let (status, c) = get_json(
                &b,
                &format!("/api/v1/log/consistency?from={old_size}&to={size}"),
            )
            .await;
            assert_eq!(status, 200);
            assert!(ct_merkle_consistency(
                (old_root, old_size),
                (root, size),
                proof_bytes(&c["proof"])
            ));
        }
    }

    let a = std::sync::Arc::into_inner(a).unwrap();
    let b = std::sync::Arc::into_inner(b).unwrap();
    a.stop().await;
    b.stop().await;
    db.drop_database().await;
}
