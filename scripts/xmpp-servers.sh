#!/usr/bin/env bash
# Throwaway Prosody and ejabberd for Sotto's integration tests.
#
#   xmpp-servers.sh start DIR [prosody|ejabberd]
#                               install both (or the one named) from Debian if missing, write configs into DIR, listen
#                               on 127.0.0.1 on free ports, register alice, bob, carol and dave with random passwords, start
#                               them and write DIR/servers.properties (KEY=VALUE lines: readable by
#                               java.util.Properties and by `source`). Exits non-zero with the server's log on stderr
#                               if a server fails. The CLI's demo and tests start Prosody alone.
#   xmpp-servers.sh restart DIR prosody
#                               stop the Prosody started in DIR (SIGTERM, as an administrator would) and start it
#                               again on the same port with the same data (users, offline messages); for fault tests.
#   xmpp-servers.sh stop DIR    kill both by the PIDs recorded in DIR, then delete DIR.
#
# With SOTTO_PROSODY_TLS=1 in the environment, Prosody requires STARTTLS on c2s with a self-signed certificate for its
# domain made for this run (openssl, installed from Debian if missing); servers.properties then names the certificate
# as PROSODY_CERT (PEM) so a client can trust exactly that one. Without it (the default) Prosody speaks plaintext.
#
# With SOTTO_PROSODY_NODELAY=1, Prosody turns Nagle's algorithm off on its sockets (TCP_NODELAY; in Prosody 0.12's
# epoll backend the setting is network_settings.nagle, not tcp_nodelay) and servers.properties says
# PROSODY_NODELAY=true; the benchmarks use it so that the clients and the server send segments alike. With
# SOTTO_PROSODY_NO_MAM=1 Prosody runs without mod_mam: the benchmarks measure the messages, not the archive (with the
# file storage used before, the archive could not keep up with a stream of thousands of messages at all; Prosody now
# keeps its data in SQLite). With SOTTO_PROSODY_NO_SMACKS=1 it runs without mod_smacks (no stream management,
# XEP-0198). Both measure Sotto against servers that lack them (docs/reliability.md: the kill test's no-MAM/no-SM
# row): `SOTTO_PROSODY_NO_MAM=1 SOTTO_PROSODY_NO_SMACKS=1 mvn ... -Dit.test=ClientKillIT`.
#
# With SOTTO_EJABBERD_NODELAY=1 ejabberd's sockets have TCP_NODELAY too (through the Erlang VM's default listen
# options; ejabberd 23.01 has no setting of its own) and servers.properties says EJABBERD_NODELAY=true. With
# SOTTO_EJABBERD_NO_MAM=1 ejabberd runs without mod_mam, for the same reason as Prosody above: its archive in Mnesia
# (ejabberd's default store) falls behind a stream of thousands of messages, and a round of 3,000 then does not
# finish within a minute (plaintext and Sotto alike; measured 2026-12-07 on 2 cores).
#
# With SOTTO_XMPP_CARBONS=1 both servers also run message carbons (XEP-0280: Prosody's mod_carbons, ejabberd's
# mod_carboncopy, on in both projects' default configurations); the OMEMO own-device tests need them. Off by default so
# the other tests keep the behaviour they were written against.
#
# Nothing outside DIR is written (apart from the Debian packages): the servers' data, logs, pid files and
# the Erlang cookie all live in DIR, so several copies can run side by side and leave nothing behind.
set -euo pipefail

readonly USERS=(alice bob carol dave)
readonly PROSODY_DOMAIN=prosody.test
readonly EJABBERD_DOMAIN=ejabberd.test
# The schema ejabberd 23.01's Debian package ships for its SQLite backend (the archive lives there, start_ejabberd).
readonly EJABBERD_SQLITE_SCHEMA=/usr/share/ejabberd/sql/lite.sql
# How long a server may take to open its port; both need about a second on this kind of machine.
readonly START_TIMEOUT_TENTHS=300

die() { echo "xmpp-servers: $*" >&2; exit 1; }

install_if_missing() {
  local missing=()
  want prosody && ! command -v prosody >/dev/null 2>&1 && missing+=(prosody)
  want ejabberd && ! command -v ejabberdctl >/dev/null 2>&1 && missing+=(ejabberd)
  # ejabberd's SQLite driver and the sqlite3 tool that creates its schema: its archive lives in SQLite (start_ejabberd).
  want ejabberd && ! dpkg -s erlang-p1-sqlite3 >/dev/null 2>&1 && missing+=(erlang-p1-sqlite3)
  want ejabberd && ! command -v sqlite3 >/dev/null 2>&1 && missing+=(sqlite3)
  # Prosody's SQLite storage: its file storage cannot keep a message archive (mod_mam) up with a stream of messages.
  want prosody && ! dpkg -s lua-dbi-sqlite3 >/dev/null 2>&1 && missing+=(lua-dbi-sqlite3)
  prosody_tls && ! command -v openssl >/dev/null 2>&1 && missing+=(openssl)
  [ ${#missing[@]} -eq 0 ] && return
  [ "$(id -u)" -eq 0 ] || die "missing ${missing[*]} and not root: install them with apt-get"
  echo "xmpp-servers: installing ${missing[*]} from Debian" >&2
  # The Debian packages would start system-wide daemons; policy-rc.d answering 101 forbids that where the
  # image does not already do so (we run our own throwaway instances instead).
  local policy_added=
  if [ ! -e /usr/sbin/policy-rc.d ]; then
    printf '#!/bin/sh\nexit 101\n' > /usr/sbin/policy-rc.d && chmod +x /usr/sbin/policy-rc.d && policy_added=1
  fi
  apt-get update -qq >&2
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >&2
  [ -n "$policy_added" ] && rm -f /usr/sbin/policy-rc.d
  # Stop whatever the packages may have started anyway: our tests never use the system instances.
  service prosody stop >/dev/null 2>&1 || true
  service ejabberd stop >/dev/null 2>&1 || true
}

port_in_use() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

free_port() {
  local port
  for _ in $(seq 1 200); do
    port=$((20000 + RANDOM % 40000))
    if ! port_in_use "$port" && ! grep -qx "$port" "$DIR/.ports" 2>/dev/null; then
      echo "$port" >> "$DIR/.ports"
      echo "$port"
      return
    fi
  done
  die "no free port found on 127.0.0.1"
}

random_secret() { od -An -N12 -tx1 /dev/urandom | tr -d ' \n'; }

wait_for_port() { # name port logfile pid-or-empty
  local i
  for i in $(seq 1 "$START_TIMEOUT_TENTHS"); do
    port_in_use "$2" && return 0
    if [ -n "$4" ] && ! kill -0 "$4" 2>/dev/null; then break; fi
    sleep 0.1
  done
  echo "xmpp-servers: $1 did not open 127.0.0.1:$2; its log follows" >&2
  cat "$3" >&2 2>/dev/null || true
  return 1
}

prosody_tls() { want prosody && [ "${SOTTO_PROSODY_TLS:-0}" = 1 ]; }

# A self-signed certificate for the domain (subjectAltName, which clients check), valid for two days: Prosody finds
# it in its certificates directory by the domain's name.
make_prosody_certificate() { # certs-dir
  openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 2 \
    -subj "/CN=$PROSODY_DOMAIN" -addext "subjectAltName=DNS:$PROSODY_DOMAIN" \
    -keyout "$1/$PROSODY_DOMAIN.key" -out "$1/$PROSODY_DOMAIN.crt" >/dev/null 2>&1 \
    || die "openssl could not make a certificate for $PROSODY_DOMAIN"
  chmod 600 "$1/$PROSODY_DOMAIN.key"
}

start_prosody() {
  local d="$DIR/prosody" port tls_modules= require_tls=false network=
  port=$(free_port)
  mkdir -p "$d/data" "$d/certs"
  if prosody_tls; then
    make_prosody_certificate "$d/certs"
    tls_modules='"tls", '
    require_tls=true
  fi
  [ "${SOTTO_PROSODY_NODELAY:-0}" = 1 ] && network='network_settings = { nagle = false }'
  # SQLite by default (the file storage cannot keep an archive up with a stream); SOTTO_PROSODY_STORAGE=internal keeps
  # Prosody's readable files (the demo shows the offline file to its viewer).
  local storage='storage = "sql"
sql = { driver = "SQLite3", database = "prosody.sqlite" }'
  [ "${SOTTO_PROSODY_STORAGE:-sql}" = internal ] && storage='storage = "internal"'
  local mam='"mam", '
  [ "${SOTTO_PROSODY_NO_MAM:-0}" = 1 ] && mam=
  local carbons=
  [ "${SOTTO_XMPP_CARBONS:-0}" = 1 ] && carbons='"carbons", '
  local smacks=', "smacks"'
  [ "${SOTTO_PROSODY_NO_SMACKS:-0}" = 1 ] && smacks=
  cat > "$d/prosody.cfg.lua" <<EOF
-- Throwaway test server: loopback only; plaintext allowed unless SOTTO_PROSODY_TLS=1, as nothing leaves this machine.
run_as_root = true
daemonize = false
pidfile = "$d/prosody.pid"
data_path = "$d/data"
certificates = "$d/certs"
log = { { levels = { min = "${SOTTO_PROSODY_LOG_LEVEL:-info}" }, to = "file", filename = "$d/prosody.log" } }
interfaces = { "127.0.0.1" }
local_interfaces = { "127.0.0.1" }
c2s_ports = { $port }
c2s_interfaces = { "127.0.0.1" }
s2s_ports = { }
component_ports = { }
http_ports = { }
https_ports = { }
c2s_require_encryption = $require_tls
allow_unencrypted_plain_auth = true
authentication = "internal_hashed"
$storage
-- smacks: stream management (XEP-0198), as on most deployments; Sotto keeps what it sent until acknowledged.
modules_enabled = { $tls_modules"roster", "saslauth", "disco", "pep", "offline", $mam$carbons"ping", "posix"$smacks }
modules_disabled = { "s2s" }
plugin_paths = { }
$network
-- A multi-user chat service: Sotto must refuse sessions with room occupants (their JIDs name no account).
Component "conference.$PROSODY_DOMAIN" "muc"
Component = nil
VirtualHost "$PROSODY_DOMAIN"
EOF
  for u in "${USERS[@]}"; do
    local pw; pw=$(random_secret)
    prosodyctl --config "$d/prosody.cfg.lua" register "$u" "$PROSODY_DOMAIN" "$pw" >> "$d/prosody.log" 2>&1 \
      || { cat "$d/prosody.log" >&2; die "prosodyctl could not register $u"; }
    echo "PROSODY_PASSWORD_${u^^}=$pw" >> "$DIR/.secrets"
  done
  nohup prosody --config "$d/prosody.cfg.lua" -F >> "$d/prosody.log" 2>&1 < /dev/null &
  echo $! > "$d/launcher.pid"
  wait_for_port prosody "$port" "$d/prosody.log" "$!" || return 1
  { echo "PROSODY_HOST=127.0.0.1"; echo "PROSODY_PORT=$port"; echo "PROSODY_DOMAIN=$PROSODY_DOMAIN"
    echo "PROSODY_LOG=$d/prosody.log"; echo "PROSODY_PID_FILE=$d/launcher.pid"
    echo "PROSODY_NODELAY=$([ -n "$network" ] && echo true || echo false)"
    if prosody_tls; then echo "PROSODY_CERT=$d/certs/$PROSODY_DOMAIN.crt"; fi; } >> "$DIR/.props"
}

start_ejabberd() {
  local d="$DIR/ejabberd" port dist_port node carbons= nodelay= mam sql=
  # The archive in SQLite, not Mnesia: mod_mam's Mnesia backend keeps a user's whole archive as one bag in a dets
  # file, which grows far faster than the messages (each insert rewrites the bag) and is capped at 2 GB. The kill test
  # filled it in 5 minutes (8,451 messages; archive_msg.DAT 2,009,085,370 bytes), after which ejabberd logged "MAM
  # archives too large, won't store message" and archived nothing more: alice's messages for the offline bob were lost
  # (docs/reliability.md). ejabberd itself warns that this backend "is limited to 2GB" and recommends SQL.
  mam=$'  mod_mam:\n    default: always\n    db_type: sql'
  sql="sql_type: sqlite
sql_database: \"$d/spool/archive.db\""
  if [ "${SOTTO_EJABBERD_NO_MAM:-0}" = 1 ]; then mam= sql=; fi
  [ "${SOTTO_XMPP_CARBONS:-0}" = 1 ] && carbons='  mod_carboncopy: {}'
  # ejabberd 23.01 sets no TCP_NODELAY on its sockets; accepted sockets inherit the VM's default listen options.
  [ "${SOTTO_EJABBERD_NODELAY:-0}" = 1 ] && nodelay=' -kernel inet_default_listen_options [{nodelay,true}]'
  port=$(free_port)
  # Erlang distribution on a fixed port instead of epmd: ejabberdctl then reaches the node directly, and no
  # epmd daemon is left running after the test (epmd outlives the nodes that started it).
  dist_port=$(free_port)
  node="sotto$$@localhost"
  mkdir -p "$d/spool" "$d/log" "$d/conf" "$d/home"
  cp /etc/ejabberd/inetrc "$d/conf/inetrc" 2>/dev/null || echo '{lookup,["file","native"]}.' > "$d/conf/inetrc"
  cat > "$d/conf/ejabberdctl.cfg" <<EOF
ERLANG_NODE=$node
ERL_DIST_PORT=$dist_port
# Read after ejabberdctl picked its user: keeps everything as the current user instead of su to 'ejabberd'.
EXEC_CMD=as_current_user
ERL_OPTIONS="-setcookie $(random_secret) -kernel inet_dist_use_interface {127,0,0,1} -env ERL_CRASH_DUMP_BYTES 0$nodelay"
EJABBERD_PID_PATH=$d/ejabberd.pid
EJABBERD_BYPASS_WARNINGS=true
CONTRIB_MODULES_PATH=$d/contrib
EOF
  cat > "$d/conf/ejabberd.yml" <<EOF
# Throwaway test server: loopback only, plaintext allowed because nothing leaves this machine.
hosts: ["$EJABBERD_DOMAIN"]
loglevel: info
log_rotate_count: 0
certfiles: []
listen:
  - port: $port
    ip: "127.0.0.1"
    module: ejabberd_c2s
    starttls: false
    max_stanza_size: 262144
auth_method: internal
auth_password_format: scram
$sql
acl:
  local:
    user_regexp: ""
access_rules:
  local:
    allow: local
  c2s:
    allow: all
shaper_rules:
  # ejabberd's own default is lower (100 per user, 5000 for admins, in the shipped ejabberd.yml). Sotto does not rely
  # on offline storage: mod_mam archives a message (hook priority 49) before mod_offline refuses it when full (50, a
  # resource-constraint bounce to the sender), and catch-up fetches it from the archive. Kept at 1,000, not raised: a
  # deployment would not have more (docs/reliability.md, the ejabberd row).
  max_user_offline_messages: 1000
  max_user_sessions: 10
modules:
  mod_disco: {}
  mod_caps: {}
  mod_roster: {}
  mod_ping: {}
  # Stream management (XEP-0198), on in ejabberd's default configuration; Sotto keeps what it sent until acknowledged.
  mod_stream_mgmt: {}
  mod_offline:
    access_max_user_messages: max_user_offline_messages
  mod_pubsub:
    plugins: ["flat", "pep"]
$mam
  # A multi-user chat service: Sotto must refuse sessions with room occupants (their JIDs name no account).
  mod_muc:
    host: "conference.@HOST@"
$carbons
EOF
  local ctl=(ejabberdctl --config-dir "$d/conf" --ctl-config "$d/conf/ejabberdctl.cfg"
             --config "$d/conf/ejabberd.yml" --logs "$d/log" --spool "$d/spool")
  # Erlang looks for its cookie file under HOME; keep that in DIR too.
  export HOME="$d/home"
  EJ_CTL() { "${ctl[@]}" "$@"; }
  # ejabberd 23.01 does not create its SQLite schema; the package ships it.
  if [ -n "$sql" ]; then
    sqlite3 "$d/spool/archive.db" < "$EJABBERD_SQLITE_SCHEMA" || die "cannot create ejabberd's SQLite archive"
  fi
  EJ_CTL start >> "$d/log/start.log" 2>&1 || { cat "$d/log/"* >&2; die "ejabberdctl start failed"; }
  wait_for_port ejabberd "$port" "$d/log/ejabberd.log" "" || { cat "$d/log/start.log" >&2; return 1; }
  # Each ejabberdctl call boots a small Erlang VM (about a second), so the users are registered in parallel.
  local pids=() u
  for u in "${USERS[@]}"; do
    local pw; pw=$(random_secret)
    echo "EJABBERD_PASSWORD_${u^^}=$pw" >> "$DIR/.secrets"
    EJ_CTL register "$u" "$EJABBERD_DOMAIN" "$pw" >> "$d/log/register.log" 2>&1 &
    pids+=($!)
  done
  for pid in "${pids[@]}"; do
    wait "$pid" || { cat "$d/log/register.log" >&2; die "ejabberdctl could not register a user"; }
  done
  { echo "EJABBERD_HOST=127.0.0.1"; echo "EJABBERD_PORT=$port"; echo "EJABBERD_DOMAIN=$EJABBERD_DOMAIN"
    echo "EJABBERD_LOG=$d/log/ejabberd.log"; echo "EJABBERD_PID_FILE=$d/ejabberd.pid"
    echo "EJABBERD_NODELAY=$([ -n "$nodelay" ] && echo true || echo false)"; } >> "$DIR/.props"
}

want() { [ -z "$ONLY" ] || [ "$ONLY" = "$1" ]; }

start() {
  install_if_missing
  mkdir -p "$DIR"
  chmod 700 "$DIR"
  : > "$DIR/.props"; : > "$DIR/.secrets"; : > "$DIR/.ports"
  local prosody_job= ejabberd_job= failed=
  if want prosody; then start_prosody & prosody_job=$!; fi
  if want ejabberd; then start_ejabberd & ejabberd_job=$!; fi
  [ -z "$prosody_job" ] || wait "$prosody_job" || failed+=" prosody"
  [ -z "$ejabberd_job" ] || wait "$ejabberd_job" || failed+=" ejabberd"
  [ -z "$failed" ] || die "could not start:$failed"
  { echo "USERS=${USERS[*]}"; cat "$DIR/.props" "$DIR/.secrets"; } > "$DIR/servers.properties.tmp"
  mv "$DIR/servers.properties.tmp" "$DIR/servers.properties"
}

signal_pid_file() { # signal file
  [ -s "$2" ] && kill "-$1" "$(cat "$2")" 2>/dev/null || true
}

alive_pid_file() { [ -s "$1" ] && kill -0 "$(cat "$1")" 2>/dev/null; }

stop() {
  [ -d "$DIR" ] || return 0
  local pids=("$DIR/prosody/launcher.pid" "$DIR/ejabberd/ejabberd.pid") f
  for f in "${pids[@]}"; do signal_pid_file TERM "$f"; done
  # The data is thrown away, so a server that has not exited after a second is killed outright.
  for _ in $(seq 1 10); do
    alive_pid_file "${pids[0]}" || alive_pid_file "${pids[1]}" || break
    sleep 0.1
  done
  for f in "${pids[@]}"; do signal_pid_file KILL "$f"; done
  if [ -n "${SOTTO_KEEP_SERVER_LOGS:-}" ]; then cp "$DIR/prosody/prosody.log" "$SOTTO_KEEP_SERVER_LOGS" 2>/dev/null; fi; rm -rf "$DIR"
}

restart_prosody() {
  local d="$DIR/prosody" port
  [ -s "$d/launcher.pid" ] || die "no Prosody was started in $DIR"
  port=$(sed -n 's/^PROSODY_PORT=//p' "$DIR/servers.properties")
  signal_pid_file TERM "$d/launcher.pid"
  for _ in $(seq 1 50); do alive_pid_file "$d/launcher.pid" || break; sleep 0.1; done
  signal_pid_file KILL "$d/launcher.pid"
  for _ in $(seq 1 50); do port_in_use "$port" || break; sleep 0.1; done
  nohup prosody --config "$d/prosody.cfg.lua" -F >> "$d/prosody.log" 2>&1 < /dev/null &
  echo $! > "$d/launcher.pid"
  wait_for_port prosody "$port" "$d/prosody.log" "$!" || die "Prosody did not come back"
}

usage="usage: $0 start DIR [prosody|ejabberd] | restart DIR prosody | stop DIR"
[ $# -eq 2 ] || { [ $# -eq 3 ] && { [ "$1" = start ] || [ "$1" = restart ]; }; } || die "$usage"
DIR=$2
ONLY=${3:-}
case $ONLY in ''|prosody|ejabberd) ;; *) die "$usage" ;; esac
case $1 in
  start) start ;;
  stop) stop ;;
  restart) [ "$ONLY" = prosody ] || die "$usage"; restart_prosody ;;
  *) die "$usage" ;;
esac
