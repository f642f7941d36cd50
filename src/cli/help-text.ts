/** The text of `sipwright -h`, grouped like SIPp's own help. Details and differences: docs/cli.md. */
export const HELP_TEXT = `Usage:

  sipwright [run] [remote_host[:remote_port]] [options]
  sipwright validate [--webrtc] [-key NAME VALUE]... FILE...
  sipwright demo [--out DIR] [--calls N] [--rtp]
  sipwright turn-cred --turn-secret SECRET [--turn-ttl SECONDS] [--turn-user ID] [--json]
  sipwright serve [--listen HOST:PORT] [--data DIR] [--token T] [--allow-exec]
  sipwright -h | --help
  sipwright -v | --version

Examples:

  sipwright -sn uas -i 127.0.0.1 -p 5070
  sipwright -sn uac 127.0.0.1:5070 -r 50 -m 1000 --out recordings/smoke
  sipwright -sf my_scenario.xml [::1]:5060 -trace_stat -fd 5
  sipwright turn-cred --turn-secret example-secret --turn-ttl 3600 --json

Options use one dash and a separate value, like SIPp (two dashes also work).
Times take a unit suffix: ms, s, m, h; a plain number is in the option's default unit.

*** Scenario file options:

   -sf FILE          Load an XML scenario file.
   -sn NAME          Load a built-in scenario (uac, uas, ...). Default: uac.
   -oocsf FILE       Out-of-call scenario file.
   -oocsn NAME       Built-in out-of-call scenario.

*** IP, port and protocol options:

   remote_host[:port]  The peer (default port 5060). IPv6 in brackets: [::1]:5070.
   -t MODE           Transport: u1 (UDP, one socket, default), un (UDP, socket per call),
                     t1 (TCP, one socket), tn (TCP, socket per call),
                     l1 (TLS, one connection), ln (TLS, connection per call),
                     ws1 / wsn (WebSocket, RFC 7118), wss1 / wssn (secure WebSocket).
   -tls_cert FILE    PEM certificate (TLS / WSS server; client certificate when asked).
   -tls_key FILE     PEM private key of -tls_cert.
   -tls_ca FILE      CAs a TLS / WSS client trusts. Default: Node's bundle.
   -tls_version V    Lowest TLS version, 1.2 or 1.3. Default: 1.2.
   --tls-servername NAME  SNI and name checked. Default: the remote host when it is a name.
   --tls-client-cert Server: require a client certificate signed by -tls_ca.
   --tls-insecure    Lab switch: accept any server certificate (verification is on by default).
   -max_reconnect N  Reopen a lost shared t1/l1/ws1/wss1 connection N times (-1: always). Default: 0.
   -reconnect_sleep MS   Wait before reconnecting. Default: 1000.
   -reconnect_close B    true: calls on a lost connection fail (default); false: they go on.
   --ws-path PATH    WebSocket request path, client and server. Default: /.
   --ws-origin URL   Origin header of WebSocket client connections. Default: none.
   --ws-ping TIME    WebSocket ping interval; a missing pong loses the connection. Default: 30s, 0 off, unit ms.
   --max-connections N  TCP/TLS/WS/WSS server: accepted connections open at once. Default: 10000, 0 no cap.
   --idle-timeout TIME  Close an accepted connection idle this long. Default: 300s, 0 off, unit s.
   -i IP             Local IP for Via/Contact/From. Default: primary host address.
   -p PORT           Local port. Default: 0, a free port chosen by the system.
   -rsa HOST:PORT    Send every message to this address instead of remote_host.
   -buff_size BYTES  Socket send and receive buffer size.

*** Call behavior options:

   -aa               Answer INFO, NOTIFY, OPTIONS and UPDATE with 200 automatically.
   -base_cseq N      First [cseq] of each call. Default: 1.
   -cid_str FMT      Call-ID format: %u call number, %p pid, %s local IP. Default: %u-%p@%s.
   -d TIME           Duration of <pause/> without a value. Default: 0, unit ms.
   -deadcall_wait T  How long finished calls are remembered. Default: 33s, unit ms.
   -auth_uri URI     URI used in digest authentication. Default: remote_ip:remote_port.
   -au USER          Digest user name. Default: the -s value.
   -ap PASSWORD      Digest password. Default: password.
   -s SERVICE        User part of the request URI ([service]). Default: service.
   -default_behaviors LIST  all | none | bye,abortunexp,pingreply,badcseq; "-name" removes one
                     (e.g. all,-bye). Default: all.
   -nd               No default behaviors (same as -default_behaviors none).
   -key NAME VALUE   Define keyword [NAME] (VALUE may be empty).
   -set VAR VALUE    Set global variable VAR (declared with <Global variables="VAR"/>).
   -lost PERCENT     Drop this percentage of messages sent and received. Default: 0.
   -dynamicStart N   First [dynamic_id]. Default: 10000.
   -dynamicMax N     Largest [dynamic_id]. Default: 12000.
   -dynamicStep N    [dynamic_id] increment. Default: 4.

*** Injection file options:

   -inf FILE         CSV injection file (repeatable; the first is the default).
   -infindex FILE N  Index FILE on field N (for the lookup action).

*** RTP behaviour options:

   -mi IP            Media IP. Default: the local IP.
   -mp PORT          First port of the RTP range (each call with media binds its own even/odd
                     RTP/RTCP pair from it). Default: 6000.
   -min_rtp_port P   Same as -mp.
   -max_rtp_port P   Last port of the RTP range. Default: 19999.
   -rtp_echo         Every call's RTP session sends back the audio it receives.

*** Call rate options:

   -r RATE           Calls per rate period. Default: 10.
   -rp TIME          Rate period. Default: 1000, unit ms (-r 7 -rp 2s: 7 calls every 2 s).
   -rate_increase N  Add N to the rate every -rate_interval.
   -rate_interval T  Default: the -fd value, unit s.
   -rate_max N       Stop increasing (and quit, unless -no_rate_quit) at this rate.
   -no_rate_quit     Keep running when -rate_max is reached.
   -l N              Maximum simultaneous calls. Default: 3 * call duration (s) * rate.
   -m N              Stop after N calls.
   -users N          Closed loop: N calls at start, a new one whenever one ends.

*** Retransmission and timeout options:

   -recv_timeout T   Default receive timeout, unit ms.
   -send_timeout T   Default send timeout, unit ms.
   -timeout T        Global timeout, unit s: quit (exit 97) after T.
   -timeout_error    Make the global timeout a failure (exit 1).
   -max_retrans N    UDP retransmissions before a transaction times out.
   -max_invite_retrans N      Default: 5.
   -max_non_invite_retrans N  Default: 7.
   -nr               No UDP retransmissions.
   -T1 TIME          RFC 3261 T1 of the requests sipwright builds itself (trickle INFO). Default: 500, unit ms.
   -T2 TIME          RFC 3261 T2. Default: 4000, unit ms.

*** Tracing, logging and statistics options:

   -trace_stat       Statistics CSV <scenario>_<pid>_.csv (SIPp's columns in SIPp's order).
   -stf FILE         Statistics file name.
   -fd TIME          Statistics period. Default: 60, unit s.
   -stat_delimiter S Statistics delimiter. Default: ;
   -trace_msg        All messages in <scenario>_<pid>_messages.log.   -message_file FILE
   -trace_shortmsg   One line per message in <scenario>_<pid>_shortmessages.log.   -shortmessage_file FILE
   -trace_err        Errors and warnings in <scenario>_<pid>_errors.log.   -error_file FILE
   -trace_rtt        Response times in <scenario>_<pid>_rtt.csv.   -rtt_freq N (default 200)
   -trace_counts     Per-step message counts in <scenario>_<pid>_counts.csv.
   -trace_logs       <log> action output in <scenario>_<pid>_logs.log.   -log_file FILE
   -f TIME           Status line period in "lines" mode. Default: 1, unit s.

   Traces go to the run's output folder unless a file option names a path.

*** sipwright options:

   --out DIR         Output folder for summary.json, call records, recordings and traces.
                     Default: recordings/<run-id>/.
   --summary-json F  Where to write summary.json. Default: <out>/summary.json.
   --records F       Where to append call_records.jsonl. Default: <out>/call_records.jsonl.
   --no-records      Write no call records.
   --junit F         Write JUnit XML at the end of the run: one testcase per call, the verdict as a property.
   --live-stats F    Append the live counters as one JSON line per second (read by sipwright serve).
   --record          Record every call: <out>/recordings/<call>-<Call-ID>-sent.wav and -received.wav.
   --record-stereo   Record every call to one stereo WAV (left = sent, right = received).
                     With --record too, both are written.
   --codecs LIST     G.711 codecs in order of preference. Default: PCMA,PCMU.

*** WebRTC options (see docs/cli.md):

   --webrtc          Every call's media is a WebRTC bridge (ICE + DTLS-SRTP).
   --ice-server URL  stun:, turn: or turns: server (repeatable; turn:user:pass@host for inline credentials).
   --ice-policy P    all or relay. Default: all.
   --ice-username U  --ice-credential P   Static TURN credentials.
   --turn-secret S   TURN REST credentials (coturn use-auth-secret); --turn-ttl SECONDS, --turn-user ID.
   --trickle MODE    auto (every candidate in the SDP; INFO only to a peer that supports trickle),
                     trickle (SDP at once, candidates in SIP INFO), half or full. Default: auto.
   --ice-address IP  Address host candidates may have (repeatable). Default: the media IP.
   --gather-timeout T  --ice-timeout T  --dtls-timeout T   Bounds in ms (2000, 10000, 10000).
   --status MODE     tty (one line redrawn), lines (a line per -f period) or none.
                     Default: tty on a terminal, lines otherwise.
   --quiet           Same as --status none: nothing on stderr but errors.

*** turn-cred: print a TURN REST credential (coturn use-auth-secret):

   --turn-secret S   The shared secret (coturn's static-auth-secret). Required.
   --turn-ttl T      Lifetime in seconds. Default: 86400.
   --turn-user ID    User id after the expiry in the user name. Default: sipwright.
   --json            {"username", "password", "ttl", "expires_at"} on one line.

*** Accepted and ignored (SIPp screen and process options):

   -nostdin -bg -trace_screen -skip_rlimit, and with a value: -screen_file -timer_resol
   -max_recv_loops -max_sched_loops -watchdog_*

Exit codes:

    0  all calls were successful
    1  at least one call failed
   97  exit on internal command or global timeout
   99  normal exit without calls processed
  254  fatal error binding a socket
  255  fatal error (including invalid options or scenario)
`;

export function helpText(): string {
  return HELP_TEXT;
}
