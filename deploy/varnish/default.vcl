vcl 4.1;

# Varnish in front of the news CMS (Varnish 7.1: Debian bookworm's `varnish` package).
#
# `npm run cdn:varnish` (scripts/cdn-varnish.js) starts varnishd with a copy of this file whose backend
# points at the CMS's HOST and PORT. To run it under systemd instead, copy it to /etc/varnish/default.vcl
# and set the backend and the purgers below by hand.
#
# The CMS decides what is kept, and for how long:
# - only answers that carry a `Cache-Tag` header are kept (a ban by tag is how a write reaches them), for
#   as long as their Cache-Control allows (`s-maxage`, which the CMS sends once it is told to purge this
#   cache: PURGE_VARNISH_URL), and per their `Vary`;
# - reads only (GET, HEAD): GraphQL's POSTs and every write pass through;
# - a request with an Authorization header (an API token, whose answers may hold drafts) is never looked
#   up nor kept;
# - conditional requests (If-None-Match) on a kept answer are answered 304 here;
# - X-Varnish stays on every answer: two ids on a hit (this request's and the one that fetched the
#   object), one on a miss or a pass.
#
# Purging: the CMS sends `BAN` requests (src/performance/cdn-purge), accepted only from the `purgers` ACL:
#   X-Ban-Tags: article|person:abc123|article\x2eslug=iran-russia
#     bans every object one of whose Cache-Tag entries is exactly one of those tags;
#   X-Ban-All: true
#     bans everything.
# Both are bans on `obj.` only, so Varnish's ban lurker clears them in the background.

import std;

backend cms {
    # Rewritten by scripts/cdn-varnish.js from HOST and PORT.
    .host = "127.0.0.1";
    .port = "1337";
    .connect_timeout = 2s;
    # The CMS answers every request within REQUEST_TIMEOUT_MS (30 s by default).
    .first_byte_timeout = 35s;
    .between_bytes_timeout = 35s;
}

# Who may ban: the CMS. Add its addresses when it runs on another machine. Requests from here also see
# each answer's Cache-Tag (see vcl_deliver).
acl purgers {
    "127.0.0.1";
    "::1";
}

sub vcl_recv {
    if (req.method == "BAN") {
        call ban_from_cms;
    }
    # Only reads are kept; everything else goes to the CMS as it came.
    if (req.method != "GET" && req.method != "HEAD") {
        return (pass);
    }
    # A token's answers are its own: the CMS marks them `private, no-cache`, and they may hold drafts.
    if (req.http.Authorization) {
        return (pass);
    }
    # Every other read is looked up, cookies or not. Varnish's built-in rule would pass any request with
    # a cookie, and a site's own cookies (analytics, consent) reach the API on most browser requests. This
    # is safe because only answers the CMS tagged are ever kept (vcl_backend_response), and the CMS tags
    # only its content reads, which do not read cookies; a miss still carries the cookie to the CMS.
    return (hash);
}

sub ban_from_cms {
    if (client.ip !~ purgers) {
        return (synth(403, "Bans are accepted from the purgers ACL only"));
    }
    if (req.http.X-Ban-All == "true") {
        # Every object has a status: the lurker can test this without a request.
        if (std.ban("obj.status != 0")) {
            return (synth(200, "Banned everything"));
        }
        return (synth(500, std.ban_error()));
    }
    # Whole tags joined by "|", each escaped by the CMS: every character outside [A-Za-z0-9_:=-] as \xHH.
    # Nothing else gets through, so a tag cannot carry a space, a quote or a regex group into the ban
    # (a ban expression is split at spaces and its regex is taken as written). Three plain checks rather
    # than one regex of nested repeats, which PCRE's JIT stack cannot take on a header of kilobytes.
    if (req.http.X-Ban-Tags !~ "^[A-Za-z0-9_:=|\\-]+$"
        || req.http.X-Ban-Tags ~ "\\(?!x[0-9A-Fa-f]{2})"
        || req.http.X-Ban-Tags ~ "^\||\|\||\|$") {
        return (synth(400, "X-Ban-Tags must be escaped tags joined by |, or send X-Ban-All: true"));
    }
    # A tag matches only as a whole entry of the comma-separated Cache-Tag list (spaces after commas allowed).
    if (std.ban("obj.http.Cache-Tag ~ (^|,\s*)(" + req.http.X-Ban-Tags + ")(\s*,|$)")) {
        return (synth(200, "Banned"));
    }
    return (synth(400, std.ban_error()));
}

sub vcl_backend_response {
    # An answer without tags could never be purged: it is not kept (a hit-for-miss, so the next request
    # for it goes to the CMS at once and a later tagged answer can still be kept).
    if (!beresp.http.Cache-Tag) {
        set beresp.uncacheable = true;
        set beresp.ttl = 120s;
        return (deliver);
    }
    # Tagged answers: Varnish's built-in rules read the CMS's Cache-Control (s-maxage first, then
    # max-age) and keep nothing marked private, no-cache or no-store, with a Set-Cookie, or stale at once
    # (`max-age=0` without `s-maxage`: what the CMS sends when no purger is configured, or for an
    # answer it read across a write).
}

sub vcl_deliver {
    # The tags are a contract between the CMS and its caches, and run to kilobytes: clients do not get
    # them. The CMS and operators on this host (the purgers) still see them, to check a ban.
    if (client.ip !~ purgers) {
        unset resp.http.Cache-Tag;
    }
}
