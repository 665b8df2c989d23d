"""Decrypts every file of an encrypted backup with iphone-backup-decrypt (an implementation
nobody in Lucarne wrote) and writes {"domain::relativePath": hex bytes} as JSON.

Usage: python iphone_backup_decrypt_dump.py BACKUP_DIR OUT.json  (passphrase on stdin)
"""
import json
import sys

from iphone_backup_decrypt import EncryptedBackup


def main():
    backup_dir, out_path = sys.argv[1], sys.argv[2]
    passphrase = sys.stdin.readline().rstrip("\n")
    backup = EncryptedBackup(backup_directory=backup_dir, passphrase=passphrase)
    backup.test_decryption()
    with backup.manifest_db_cursor() as cur:
        cur.execute("SELECT domain, relativePath FROM Files WHERE flags = 1")
        rows = cur.fetchall()
    files = {}
    for domain, relative_path in rows:
        data = backup.extract_file_as_bytes(relative_path, domain_like=domain)
        files[f"{domain}::{relative_path}"] = data.hex()
    with open(out_path, "w") as out:
        json.dump(files, out)


if __name__ == "__main__":
    main()
