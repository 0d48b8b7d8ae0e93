# registry-helpers.bash — local Distribution registries (Debian's docker-registry) on 127.0.0.1
# for registry.bats: plain HTTP, TLS with a self-signed CA, htpasswd basic auth.
#
#   reg_start NAME [tls] [auth USER PASS] [token USER PASS]
#                                           state in $REG_DIR/NAME; sets REG_<NAME>=127.0.0.1:PORT
#                                           token: Bearer auth from token-server.py (its own port;
#                                           requests logged in $REG_DIR/NAME/token-PORT.log)
#   reg_stop_all                            kills every registry this file started
# Each registry gets a free random high port; nothing listens beyond loopback.

REG_DIR=${REG_DIR:-$BATS_FILE_TMPDIR/registries}

free_port() {
	python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

reg_start() {
	local name=$1 tls= user= pass= tuser= tpass= port tport dir scheme=http i
	shift
	while [ $# -gt 0 ]; do
		case $1 in
		tls) tls=1; shift ;;
		auth) user=$2 pass=$3; shift 3 ;;
		token) tuser=$2 tpass=$3; shift 3 ;;
		*) return 2 ;;
		esac
	done
	dir=$REG_DIR/$name
	port=$(free_port)
	mkdir -p "$dir/data"
	cat >"$dir/config.yml" <<-YML
	version: 0.1
	log:
	  level: warn
	storage:
	  filesystem:
	    rootdirectory: $dir/data
	  delete:
	    enabled: true
	http:
	  addr: 127.0.0.1:$port
	  secret: berth-test
	YML
	if [ -n "$tls" ]; then
		# CA-only dir in $dir/certs: a *.key beside it would be read as a client key
		mkdir -p "$dir/tls" "$dir/certs"
		openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj /CN=localhost \
			-addext "subjectAltName=DNS:localhost,IP:127.0.0.1" \
			-keyout "$dir/tls/domain.key" -out "$dir/tls/domain.crt" 2>/dev/null
		cp "$dir/tls/domain.crt" "$dir/certs/ca.crt"
		printf '  tls:\n    certificate: %s\n    key: %s\n' "$dir/tls/domain.crt" \
			"$dir/tls/domain.key" >>"$dir/config.yml"
		scheme=https
	fi
	if [ -n "$user" ]; then
		printf '%s:%s\n' "$user" "$(python3 -W ignore -c 'import crypt, sys
print(crypt.crypt(sys.argv[1], crypt.mksalt(crypt.METHOD_BLOWFISH)))' "$pass")" >"$dir/htpasswd"
		printf 'auth:\n  htpasswd:\n    realm: berth-test\n    path: %s\n' "$dir/htpasswd" \
			>>"$dir/config.yml"
	fi
	if [ -n "$tuser" ]; then
		mkdir -p "$dir/token"
		openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj /CN=berth-token \
			-keyout "$dir/token/key.pem" -out "$dir/token/cert.pem" 2>/dev/null
		tport=$(free_port)
		(cd "$dir" && exec python3 "$BATS_TEST_DIRNAME/token-server.py" "$tport" \
			"$dir/token/key.pem" "$dir/token/cert.pem" berth-test "$tuser" "$tpass") \
			>"$dir/token.log" 2>&1 &
		echo $! >"$dir/token.pid"
		printf 'auth:\n  token:\n    realm: http://127.0.0.1:%s/token\n    service: berth-test\n    issuer: berth-issuer\n    rootcertbundle: %s\n' \
			"$tport" "$dir/token/cert.pem" >>"$dir/config.yml"
		for ((i = 0; i < 50; i++)); do
			curl -s --noproxy '*' -o /dev/null "http://127.0.0.1:$tport/token" && break
			sleep 0.1
		done
		printf -v "TOKEN_LOG_${name^^}" '%s' "$dir/$tport.log"
		export "TOKEN_LOG_${name^^}"
	fi
	# the registry takes REGISTRY_* variables as config overrides (REGISTRY_AUTH_FILE included)
	env $(env | sed -n 's/^\(REGISTRY_[A-Za-z0-9_]*\)=.*/-u \1/p') \
		docker-registry serve "$dir/config.yml" >"$dir/registry.log" 2>&1 &
	echo $! >"$dir/pid"
	for ((i = 0; i < 100; i++)); do
		curl -sk --noproxy '*' -o /dev/null "$scheme://127.0.0.1:$port/v2/" && break
		sleep 0.1
	done
	((i < 100)) || { cat "$dir/registry.log" >&2; return 1; }
	printf -v "REG_${name^^}" '127.0.0.1:%s' "$port"
	export "REG_${name^^}"
}

reg_stop_all() {
	local p pid
	for p in "$REG_DIR"/*/pid "$REG_DIR"/*/token.pid; do
		[ -f "$p" ] || continue
		pid=$(cat "$p")
		kill "$pid" 2>/dev/null || true
		wait "$pid" 2>/dev/null || true
		rm -f "$p"
	done
}

# reg_blob_file NAME DIGEST — where registry NAME keeps a blob (to corrupt it)
reg_blob_file() {
	local hex=${2#sha256:}
	echo "$REG_DIR/$1/data/docker/registry/v2/blobs/sha256/${hex:0:2}/$hex/data"
}

# skopeo push of an OCI layout to a registry (plain HTTP or TLS, unverified)
sk_push() {
	local src=$1 dst=$2
	shift 2
	skopeo copy -q --dest-tls-verify=false "$@" "oci:$src" "docker://$dst" >/dev/null
}
