#!/usr/bin/env bash
# The test timestamping authority (RFC 3161), made with `openssl ts`. Tests only.
#
#   test-tsa.sh init DIR           a CA and a TSA certificate (extendedKeyUsage critical
#                                  timeStamping) in DIR, with the `openssl ts` configuration
#   test-tsa.sh reply DIR QUERY OUT  answers the TimeStampReq in QUERY with a TimeStampResp
#                                  in OUT, signed by DIR's TSA (serial numbers in DIR/serial)
#   test-tsa.sh stamp DIR FILE OUT a SHA-256 query over FILE, answered into OUT
#
# Keys are P-256 (what `ring` verifies); the TSA signs with SHA-256. The answer carries the
# TSA's own certificate only (no `certs` chain): certificates a TSA ships besides its own are
# not covered by its signature, so changing them goes unnoticed by any verifier, and the
# done-when test changes every file of an export byte by byte.
set -euo pipefail

cmd="${1:?usage: test-tsa.sh init|reply|stamp DIR ...}"
dir="${2:?directory}"

case "$cmd" in
init)
    mkdir -p "$dir"
    cd "$dir"
    openssl ecparam -name prime256v1 -genkey -noout -out ca.key 2>/dev/null
    openssl req -new -x509 -key ca.key -out ca.pem -days 3650 -subj "/CN=Lucarne Test TSA Root" \
        -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign" 2>/dev/null
    openssl ecparam -name prime256v1 -genkey -noout -out tsa.key 2>/dev/null
    openssl req -new -key tsa.key -out tsa.csr -subj "/CN=Lucarne Test TSA" 2>/dev/null
    printf 'basicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature\nextendedKeyUsage=critical,timeStamping\n' > tsa.ext
    openssl x509 -req -in tsa.csr -CA ca.pem -CAkey ca.key -CAcreateserial -out tsa.pem \
        -days 3650 -extfile tsa.ext 2>/dev/null
    echo 01 > serial
    cat > ts.cnf <<CNF
[ tsa ]
default_tsa = tsa_config
[ tsa_config ]
dir = .
serial = ./serial
crypto_device = builtin
signer_cert = ./tsa.pem
signer_key = ./tsa.key
signer_digest = sha256
default_policy = 1.3.6.1.4.1.99999.1
other_policies = 1.3.6.1.4.1.99999.2
digests = sha256, sha384, sha512
accuracy = secs:1
ordering = no
tsa_name = yes
ess_cert_id_chain = no
ess_cert_id_alg = sha256
CNF
    ;;
reply)
    query="$(realpath "${3:?query file}")"
    out="$(realpath -m "${4:?output file}")"
    cd "$dir"
    openssl ts -reply -config ts.cnf -queryfile "$query" -out "$out" 2>/dev/null
    ;;
stamp)
    file="$(realpath "${3:?file to stamp}")"
    out="$(realpath -m "${4:?output file}")"
    cd "$dir"
    openssl ts -query -data "$file" -sha256 -cert -out "$out.tsq" 2>/dev/null
    openssl ts -reply -config ts.cnf -queryfile "$out.tsq" -out "$out" 2>/dev/null
    rm -f "$out.tsq"
    ;;
*)
    echo "test-tsa.sh: unknown command $cmd" >&2
    exit 2
    ;;
esac
