#!/usr/bin/env python3
# SPDX-License-Identifier: EUPL-1.2
"""Derive the catalogue's reference tables from Apple's device-management schema.

Usage, with a checkout of https://github.com/apple/device-management (the script writes next
to itself, from whatever directory it runs):

    python3 extract.py /path/to/device-management          # write the tables
    python3 extract.py /path/to/device-management --check  # only compare, exit 1 on drift

Needs Python 3.9+ and PyYAML (`python3 -c 'import yaml'`; otherwise
`python3 -m venv target/venv && target/venv/bin/pip install pyyaml`).

Writes, next to this script:

- payload-types.csv, restrictions.csv, commands-ios.csv: the tables the catalogue tests read
  (see README.md for their columns). `short_meaning` of restrictions.csv is Lucarne's own
  note, not in the schema: it is carried over from the existing table, by key.
- payload-keys.csv: one row per payload type and key path.
- ../payload_schema.toml: the compact form of payload-keys.csv the catalogue loads at run
  time (each payload type's platforms and iOS deprecation, and only the keys whose
  platforms or iOS supervision differ from their parent's).

How the schema is read (docs/schema.md of the repository):

- A key inherits the `supportedOS` of its parent (the payload, or the enclosing key) and
  overrides it field by field with its own.
- A platform supports a key when its effective `introduced` is set and is not `n/a`.
- Key paths: `Parent/Child` for a dictionary's key; `Parent[]` for an array's elements, so a
  key of the dictionaries inside an array is `Parent[]/Child` (an array of arrays:
  `Parent[][]/Child`). `ANY` is the schema's name for keys chosen by the profile's author.
- Recursive structures (home-screen folders that hold pages) are followed once: the path
  stops where the same key list would repeat; deeper keys fall back to their nearest
  ancestor in the catalogue.
- Several files per payload type (com.apple.MCX, com.apple.extensiblesso): one payload type,
  the union of their platforms and keys. Where two files describe the same key differently
  (the generic and the Kerberos single sign-on extension disagree on `TeamIdentifier`), the
  file named after the payload type wins, else the first file by name; each such case is
  printed on stderr.
"""

import csv
import glob
import io
import os
import re
import sys

import yaml

HERE = os.path.dirname(os.path.abspath(__file__))
PLATFORMS = ["iOS", "macOS", "tvOS", "visionOS", "watchOS"]
# Apple names access rights in the commands but never numbers them; the numbers come from the
# bit descriptions of com.apple.mdm's AccessRights key (see ../access_rights.toml).
RIGHT_BITS = {
    "AllowInspection": "1",
    "AllowInstallationRemoval": "2",
    "AllowPasscodeRemovalAndLock": "4",
    "AllowDeviceErase": "8",
    "AllowQueryDeviceInformation": "16",
    "AllowQueryNetworkInformation": "32",
    "AllowProvisioningInspection": "64",
    "AllowProvisioningInstallationRemoval": "128",
    "AllowQueryApplications": "256",
    "AllowQueryRestrictions": "512",
    "AllowQuerySecurity": "1024",
    "AllowSettings": "2048",
    "AllowAppInstallation": "4096",
    "None": "0",
    "Special Case": "per-query",
}
# Commands that act only on Shared iPad although the schema's `sharedipad.mode` is not
# `required`: their description says so ("Only works on Shared iPads…").
SHARED_IPAD_ONLY_PROSE = re.compile(r"\bonly works on shared ipads?\b", re.I)


def load(path):
    with open(path, encoding="utf-8") as f:
        return yaml.safe_load(f)


def supported(os_data):
    """Whether an effective per-OS dictionary says the item exists on that OS."""
    intro = os_data.get("introduced")
    return intro is not None and str(intro) != "n/a"


def merge(parent, own):
    """The effective supportedOS of a key: the parent's, overridden field by field. A key
    exists only where its parent does: the schema sometimes gives a key a platform its
    payload does not have (a watchOS version for a key of a payload absent from watchOS)."""
    out = {}
    for name in PLATFORMS:
        data = dict(parent.get(name) or {})
        if supported(data):
            data.update((own or {}).get(name) or {})
        if data:
            out[name] = data
    return out


def platforms_of(sos):
    return [name for name in PLATFORMS if supported(sos.get(name) or {})]


def text(value):
    return "" if value is None else str(value)


def flag(value):
    return "true" if value else "false"


def profile_files(schema):
    return sorted(glob.glob(os.path.join(schema, "mdm", "profiles", "*.yaml")))


def command_files(schema):
    return sorted(glob.glob(os.path.join(schema, "mdm", "commands", "*.yaml")))


def relative(schema, path):
    return os.path.relpath(path, schema).replace(os.sep, "/")


def payload_types(schema):
    rows = []
    for path in profile_files(schema):
        doc = load(path)
        payload = doc["payload"]
        sos = payload.get("supportedOS") or {}
        ios = sos.get("iOS")
        if ios is None:
            supervised = ""
        elif not supported(ios):
            supervised = "n/a"
        else:
            supervised = flag(ios.get("supervised", False))
        ios = ios or {}
        macos = sos.get("macOS") or {}
        rows.append(
            {
                "payloadtype": payload["payloadtype"],
                "title": doc.get("title", ""),
                "supervised_only": supervised,
                "file": relative(schema, path),
                "platforms": " ".join(p.lower() for p in platforms_of(sos)),
                "ios_introduced": text(ios.get("introduced")),
                "ios_deprecated": text(ios.get("deprecated")),
                "ios_removed": text(ios.get("removed")),
                "macos_introduced": text(macos.get("introduced")),
            }
        )
    return rows


def walk(keys, prefix, sos, stack, out, file):
    """Appends (path, key, effective supportedOS, file) for every key under `keys`."""
    if id(keys) in stack:
        return
    stack = stack | {id(keys)}
    for key in keys or []:
        path = prefix + key["key"]
        eff = merge(sos, key.get("supportedOS"))
        out.append((path, key, eff, file))
        element(key, path, eff, stack, out, file)


def element(key, path, eff, stack, out, file):
    """Descends into a key's subkeys: a dictionary's keys, or an array's element."""
    subkeys = key.get("subkeys")
    if not subkeys:
        return
    if key.get("type") != "<array>":
        walk(subkeys, path + "/", eff, stack, out, file)
        return
    if id(subkeys) in stack:
        return
    stack = stack | {id(subkeys)}
    # An array's single subkey describes its elements; its name (`xxxItem`) is not a key.
    item = subkeys[0]
    item_eff = merge(eff, item.get("supportedOS"))
    if item.get("type") in ("<dictionary>", "<array>") and item.get("subkeys"):
        element(item, path + "[]", item_eff, stack, out, file)


def payload_keys(schema):
    rows = {}
    # The file named after its payload type first, so that its description of a key wins.
    def primary_first(path):
        doc_name = os.path.basename(path)[: -len(".yaml")]
        return (0 if doc_name == load(path)["payload"]["payloadtype"] else 1, path)

    for path in sorted(profile_files(schema), key=primary_first):
        doc = load(path)
        payload = doc["payload"]
        ptype = payload["payloadtype"]
        sos = payload.get("supportedOS") or {}
        found = []
        walk(doc.get("payloadkeys"), "", sos, frozenset(), found, relative(schema, path))
        for key_path, key, eff, file in found:
            ios = eff.get("iOS") or {}
            on_ios = supported(ios)
            platforms = platforms_of(eff)
            row = {
                "payloadtype": ptype,
                "key": key_path,
                "type": text(key.get("type")).strip("<>"),
                "ios": flag(on_ios),
                "ios_supervised": flag(ios.get("supervised", False)) if on_ios else "n/a",
                "macos_only": flag("macOS" in platforms and not on_ios),
                "platforms": " ".join(p.lower() for p in platforms),
                "ios_introduced": text(ios.get("introduced")) if on_ios else "n/a",
                "ios_deprecated": text(ios.get("deprecated")) if on_ios else "",
                "ios_removed": text(ios.get("removed")) if on_ios else "",
                "file": file,
            }
            previous = rows.get((ptype, key_path))
            if previous is not None:
                same = {k: v for k, v in previous.items() if k != "file"}
                if same != {k: v for k, v in row.items() if k != "file"}:
                    print(
                        f"note: {ptype} {key_path}: {file} disagrees with {previous['file']},"
                        " which wins",
                        file=sys.stderr,
                    )
                continue
            rows[(ptype, key_path)] = row
    return list(rows.values())


def restrictions(schema, previous):
    doc = load(os.path.join(schema, "mdm", "profiles", "com.apple.applicationaccess.yaml"))
    payload_sos = doc["payload"]["supportedOS"]
    rows = []
    for key in doc["payloadkeys"]:
        eff = merge(payload_sos, key.get("supportedOS"))
        ios = eff.get("iOS") or {}
        on_ios = supported(ios)
        default = key.get("default")
        if isinstance(default, bool):
            default = flag(default)
        rows.append(
            {
                "key": key["key"],
                "type": text(key.get("type")).strip("<>"),
                "default": text(default),
                "supervised_only": flag(ios.get("supervised", False)) if on_ios else "n/a",
                "platforms_ios_introduced": text(ios.get("introduced")) if on_ios else "n/a",
                "short_meaning": previous.get(key["key"], ""),
            }
        )
    rows.sort(key=lambda r: r["key"].lower())
    return rows


def commands(schema):
    rows = []
    for path in command_files(schema):
        doc = load(path)
        payload = doc["payload"]
        ios = (payload.get("supportedOS") or {}).get("iOS") or {}
        if not supported(ios):
            continue
        right = text(ios.get("accessrights"))
        shared = ios.get("sharedipad") or {}
        prose = " ".join([doc.get("description", ""), payload.get("content", "")])
        shared_only = shared.get("mode") == "required" or bool(SHARED_IPAD_ONLY_PROSE.search(prose))
        rows.append(
            {
                "requesttype": payload["requesttype"],
                "file": relative(schema, path),
                "ios_introduced": text(ios.get("introduced")),
                "ios_deprecated": text(ios.get("deprecated")),
                "accessrights_name": right,
                "accessrights_bit_inferred": RIGHT_BITS.get(right, ""),
                "supervised_only": flag(ios.get("supervised", False)),
                "requires_ade": flag(ios.get("requiresdep", False)),
                "userenrollment_mode": text((ios.get("userenrollment") or {}).get("mode")),
                "sharedipad_mode": text(shared.get("mode")),
                "ios_removed": text(ios.get("removed")),
                "sharedipad_only": flag(shared_only),
            }
        )
    return rows


def csv_text(rows, columns):
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=columns, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue()


def read_csv(name):
    path = os.path.join(HERE, name)
    if not os.path.exists(path):
        return []
    with open(path, encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def toml_string(value):
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


def toml_list(values):
    return "[" + ", ".join(toml_string(v) for v in values) + "]"


def schema_toml(types, keys, commit):
    """The run-time form: per payload type, its platforms and the keys that differ."""
    by_type = {}
    for row in types:
        entry = by_type.setdefault(
            row["payloadtype"],
            {"platforms": [], "files": [], "deprecated": "", "removed": "", "supervised": None},
        )
        for p in row["platforms"].split():
            if p not in entry["platforms"]:
                entry["platforms"].append(p)
        entry["files"].append(row["file"])
        if row["supervised_only"] in ("true", "false"):
            entry["supervised"] = row["supervised_only"] == "true"
        for field, column in (("deprecated", "ios_deprecated"), ("removed", "ios_removed")):
            if row[column] and row[column] != "n/a":
                entry[field] = row[column]
    order = [p.lower() for p in PLATFORMS]
    key_rows = {}
    for row in keys:
        key_rows.setdefault(row["payloadtype"], []).append(row)

    lines = [
        f"# GENERATED by reference/extract.py from {commit}.",
        "# Do not edit by hand: run the script (see reference/README.md).",
        "# What Apple's schema says about every payload type and key, for every platform:",
        "# `platforms` where the type exists; `ios_deprecated`/`ios_removed` (iOS versions);",
        "# `keys`: only the keys whose platforms or iOS `supervised_only` differ from their",
        "# parent's (the enclosing key, else the payload type: its platforms here, its iOS",
        "# supervision in payloads.toml). A key not listed has its parent's facts. Paths as in",
        "# reference/payload-keys.csv, which the tests check this file against.",
        "",
    ]
    for ptype in sorted(by_type, key=lambda t: t.lower()):
        entry = by_type[ptype]
        if not entry["platforms"]:
            # No supportedOS at all (com.apple.security.wapi-identity): nothing to say.
            continue
        platforms = sorted(entry["platforms"], key=order.index)
        lines.append("[[payload]]")
        lines.append(f"payload_type = {toml_string(ptype)}")
        lines.append(f"platforms = {toml_list(platforms)}")
        if entry["deprecated"]:
            lines.append(f"ios_deprecated = {toml_string(entry['deprecated'])}")
        if entry["removed"]:
            lines.append(f"ios_removed = {toml_string(entry['removed'])}")
        # Effective facts per path, to compare each key with its parent.
        facts = {"": (platforms, bool(entry["supervised"]))}
        listed = []
        for row in sorted(key_rows.get(ptype, []), key=lambda r: r["key"]):
            path = row["key"]
            parent = parent_path(path)
            while parent not in facts:
                parent = parent_path(parent)
            parent_platforms, parent_supervised = facts[parent]
            own_platforms = row["platforms"].split()
            own_supervised = row["ios_supervised"] == "true"
            facts[path] = (own_platforms, own_supervised)
            fields = []
            if path == "ANY" or path.endswith("/ANY"):
                # Keys named by the profile's author cannot be looked up by name: the
                # catalogue gives them their parent's facts, so the schema must agree.
                if (own_platforms, own_supervised) != (parent_platforms, parent_supervised):
                    sys.exit(f"{ptype} {path}: an ANY key differs from its parent")
            if own_platforms != parent_platforms:
                fields.append(f"platforms = {toml_list(own_platforms)}")
            if "ios" in own_platforms and own_supervised != parent_supervised:
                fields.append(f"supervised_only = {flag(own_supervised)}")
            if fields:
                listed.append("    { key = " + toml_string(path) + ", " + ", ".join(fields) + " },")
        if listed:
            lines.append("keys = [")
            lines.extend(listed)
            lines.append("]")
        lines.append("")
    return "\n".join(lines)


def parent_path(path):
    """`A/B[]/C` → `A/B[]`; `A/B[]` → `A/B`; `A` → `` (the payload)."""
    if path.endswith("[]"):
        return path[:-2]
    if "/" in path:
        return path.rsplit("/", 1)[0]
    return ""


def main():
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    check = "--check" in sys.argv[1:]
    if len(args) != 1:
        sys.exit(__doc__)
    schema = args[0]
    commit = "unknown commit"
    source = os.path.join(schema, "SOURCE.txt")
    if os.path.exists(source):
        with open(source, encoding="utf-8") as f:
            commit = f.read().strip()
    elif os.path.isdir(os.path.join(schema, ".git")):
        commit = os.popen(f"git -C '{schema}' rev-parse HEAD").read().strip()

    previous = {r["key"]: r["short_meaning"] for r in read_csv("restrictions.csv")}
    types = payload_types(schema)
    keys = payload_keys(schema)
    outputs = {
        "payload-types.csv": csv_text(
            types,
            [
                "payloadtype", "title", "supervised_only", "file", "platforms",
                "ios_introduced", "ios_deprecated", "ios_removed", "macos_introduced",
            ],
        ),
        "restrictions.csv": csv_text(
            restrictions(schema, previous),
            ["key", "type", "default", "supervised_only", "platforms_ios_introduced", "short_meaning"],
        ),
        "commands-ios.csv": csv_text(
            commands(schema),
            [
                "requesttype", "file", "ios_introduced", "ios_deprecated", "accessrights_name",
                "accessrights_bit_inferred", "supervised_only", "requires_ade",
                "userenrollment_mode", "sharedipad_mode", "ios_removed", "sharedipad_only",
            ],
        ),
        "payload-keys.csv": csv_text(
            keys,
            [
                "payloadtype", "key", "type", "ios", "ios_supervised", "macos_only", "platforms",
                "ios_introduced", "ios_deprecated", "ios_removed", "file",
            ],
        ),
        "../payload_schema.toml": schema_toml(types, keys, commit),
    }
    drift = False
    for name, content in outputs.items():
        path = os.path.normpath(os.path.join(HERE, name))
        old = None
        if os.path.exists(path):
            with open(path, encoding="utf-8") as f:
                old = f.read()
        if old == content:
            continue
        drift = True
        print(f"{'differs' if check else 'writing'}: {os.path.relpath(path, HERE)}")
        if not check:
            with open(path, "w", encoding="utf-8", newline="") as f:
                f.write(content)
    if check and drift:
        sys.exit(1)


if __name__ == "__main__":
    main()
