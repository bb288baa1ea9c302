; prelude.scm: the SBPL forms, defined in TinyScheme, so that a profile can
; be evaluated on a machine without macOS.
;
; Seatbelt profiles are TinyScheme programs: libsandbox evaluates them with
; the operations, filters and modifiers bound as variables, and a misspelt
; name is an unbound variable that rejects the whole profile. This prelude
; rebuilds that environment from the vocabulary (../shared/data/sbpl/
; vocabulary.txt, turned into `sbx-def-*` calls by tests/seatbelt/sbcheck):
; every operation is a tagged value, every filter a procedure that checks the
; kind of its argument and returns a tagged value, `allow` and `deny` check
; their arguments and record the rule. `sbx-finish` runs after the profile:
; it checks what only the whole profile shows and, when asked, prints every
; rule with its strings evaluated (params substituted, string-append done) so
; that tests/seatbelt/sbsem can decide operations with last-match-wins.
;
; Debian 12's TinyScheme rejects every index given to string-ref and
; vector-ref, so strings are walked with substring and values are lists.
; What TinyScheme cannot see (a missing ')' at the end of the file, unknown
; string escapes) is sbcheck's lexical pass, tests/seatbelt/sblex.c.

; init.scm builds string=? (and with it equal?, member, assoc) on string-ref,
; which Debian's build breaks; symbols are interned by their exact bytes.
(define (string=? a b)
  (if (and (string? a) (string? b))
      (eq? (string->symbol a) (string->symbol b))
      (sbx-fail "string=? takes strings")))

(define sbx-rules '())        ; recorded rules, newest first
(define sbx-version #f)
(define sbx-nrules 0)
(define sbx-deny-default #f)  ; (deny default) seen before any other rule
; Set by the driver before the profile is loaded:
;   sbx-params  alist of -D NAME=VALUE
;   sbx-strict  #t: also the lints sbxc's own output must pass
;   sbx-dump    #t: print the evaluated rules at the end

(define (sbx-fail . parts)
  (error (apply string-append "sbpl-check: " (map sbx-show parts))))

(define (sbx-show x)
  (cond ((string? x) x)
        ((symbol? x) (symbol->string x))
        ((number? x) (number->string x))
        ((sbx-tagged? x) (sbx-tag-name x))
        (else "?")))

; #"..." is SBPL's raw regex string; the reader hands it to this hook.
(define (*sharp-hook*)
  (let ((s (read)))
    (if (string? s) s (sbx-fail "unknown # syntax"))))

; ---- tagged values: (sbx-tag KIND NAME DATA...) ----
(define (sbx-make kind name . data) (cons 'sbx-tag (cons kind (cons name data))))
(define (sbx-tagged? x) (and (pair? x) (eq? (car x) 'sbx-tag)))
(define (sbx-kind x) (cadr x))
(define (sbx-tag-name x) (caddr x))
(define (sbx-data x) (cdddr x))
(define (sbx-is? x kind) (and (sbx-tagged? x) (eq? (sbx-kind x) kind)))

; ---- string helpers (substring only) ----
(define (sbx-prefix? s p)
  (and (<= (string-length p) (string-length s))
       (string=? (substring s 0 (string-length p)) p)))
(define (sbx-suffix? s p)
  (let ((n (string-length s)) (m (string-length p)))
    (and (<= m n) (string=? (substring s (- n m) n) p))))
(define (sbx-find s sub i) ; index of sub in s at or after i, or #f
  (cond ((> (+ i (string-length sub)) (string-length s)) #f)
        ((string=? (substring s i (+ i (string-length sub))) sub) i)
        (else (sbx-find s sub (+ i 1)))))
(define (sbx-contains? s sub) (if (sbx-find s sub 0) #t #f))
; Does sub start at or after i outside a backslash escape?
(define (sbx-unescaped? s sub i)
  (cond ((> (+ i (string-length sub)) (string-length s)) #f)
        ((string=? (substring s i (+ i 1)) "\\") (sbx-unescaped? s sub (+ i 2)))
        ((string=? (substring s i (+ i (string-length sub))) sub) #t)
        (else (sbx-unescaped? s sub (+ i 1)))))
(define (sbx-digits? s i)
  (cond ((= i (string-length s)) (> i 0))
        ((sbx-find "0123456789" (substring s i (+ i 1)) 0) (sbx-digits? s (+ i 1)))
        (else #f)))

; ---- definitions generated from the vocabulary ----
(define sbx-op-names '())
(define (sbx-op name)
  (set! sbx-op-names (cons name sbx-op-names))
  (sbx-make 'op name))
(define (sbx-modifier name) (sbx-make 'modname name))
(define (sbx-constant kind name) (sbx-make 'const name kind))

; A filter: check the arguments against the kind the vocabulary gives.
(define (sbx-filter name kind args)
  (sbx-check-args name kind args)
  (apply sbx-make 'filter name args))

(define (sbx-check-args name kind args)
  (define (one) (if (= (length args) 1) (car args) (sbx-fail "(" name " ...) takes one argument")))
  (cond ((string=? kind "path")
         (let ((a (one)))
           (if (not (string? a)) (sbx-fail "(" name " ...) needs a path string"))
           (if (not (sbx-prefix? a "/")) (sbx-fail "(" name " \"" a "\"): path is not absolute"))
           (if sbx-strict (sbx-lint-path name a))))
        ((string=? kind "regex")
         (let ((a (one)))
           (if (not (string? a)) (sbx-fail "(" name " ...) needs a regex string"))
           (if (and sbx-strict (or (sbx-unescaped? a "|" 0) (sbx-unescaped? a ")*" 0) (sbx-unescaped? a ")+" 0)))
               (sbx-fail "(" name " \"" a "\"): outside the regex dialect of the shipped profiles (no |, no repeated group)"))
           (if (and sbx-strict (not (and (sbx-prefix? a "^") (sbx-suffix? a "$"))))
               (sbx-fail "(" name " \"" a "\"): regex is not anchored"))))
        ((string=? kind "string")
         (if (not (string? (one))) (sbx-fail "(" name " ...) needs a string")))
        ((string=? kind "int")
         (if (not (integer? (one))) (sbx-fail "(" name " ...) needs an integer")))
        ((string=? kind "netaddr") (sbx-check-netaddr name args))
        ((string=? kind "target")
         (if (not (sbx-const-of? (one) "target")) (sbx-fail "(" name " ...) needs a target (self, children, ...)")))
        ((string=? kind "vnode")
         (if (not (sbx-const-of? (one) "vnode")) (sbx-fail "(" name " ...) needs a vnode type")))
        ((string=? kind "any") (if (null? args) (sbx-fail "(" name ") needs an argument")))
        (else (sbx-fail "vocabulary: unknown argument kind " kind))))

(define (sbx-const-of? x kind)
  (and (sbx-is? x 'const) (string=? (car (sbx-data x)) kind)))

; (remote tcp "*:443"), (local ip "localhost:8080"), (remote unix-socket (path-literal "/x")):
; the host is only * or localhost, the port a number or *.
(define (sbx-check-netaddr name args)
  (if (or (null? args) (not (sbx-const-of? (car args) "netproto")))
      (sbx-fail "(" name " ...) needs a protocol (ip, tcp, udp, unix-socket ...)"))
  (let ((proto (sbx-tag-name (car args))) (rest (cdr args)))
    (cond ((null? rest) #t)
          ((not (null? (cdr rest))) (sbx-fail "(" name " " proto " ...) takes one address"))
          ((member proto '("unix" "unix-socket"))
           (if (not (and (sbx-is? (car rest) 'filter)
                         (member (sbx-tag-name (car rest)) '("path-literal" "path-regex" "literal" "regex" "path" "subpath"))))
               (sbx-fail "(" name " " proto " ...) needs a path filter")))
          ((not (string? (car rest))) (sbx-fail "(" name " " proto " ...) needs a \"HOST:PORT\" string"))
          (else
           (let* ((a (car rest)) (c (sbx-find a ":" 0)))
             (if (not c) (sbx-fail "(" name " \"" a "\"): no ':' between host and port"))
             (let ((host (substring a 0 c)) (port (substring a (+ c 1) (string-length a))))
               (if (not (member host '("*" "localhost")))
                   (sbx-fail "(" name " \"" a "\"): the host can only be * or localhost"))
               (if (not (or (string=? port "*")
                            (and (sbx-digits? port 0) (<= 1 (string->number port) 65535))))
                   (sbx-fail "(" name " \"" a "\"): bad port"))))))))

; require-all / require-any / require-not take filters.
(define (sbx-meta name args)
  (for-each (lambda (f) (if (not (sbx-is? f 'filter)) (sbx-fail "(" name " ...) takes filters only"))) args)
  (if (and (string=? name "require-not") (not (= (length args) 1)))
      (sbx-fail "(require-not ...) takes one filter"))
  (apply sbx-make 'filter name args))

; (with NAME ARGS...)
(define (with m . args)
  (if (not (sbx-is? m 'modname)) (sbx-fail "(with ...) needs a modifier name"))
  (if (and (string=? (sbx-tag-name m) "message")
           (not (and (= (length args) 1) (string? (car args)))))
      (sbx-fail "(with message ...) needs one string"))
  (apply sbx-make 'mod (sbx-tag-name m) args))

; ---- forms ----
(define (version n)
  (if sbx-version (sbx-fail "(version ...) given twice"))
  (if (> sbx-nrules 0) (sbx-fail "(version ...) after a rule"))
  (if (not (eqv? n 1)) (sbx-fail "unsupported (version ...): only 1"))
  (set! sbx-version n))

(define (param name)
  (if (not (string? name)) (sbx-fail "(param ...) needs a string"))
  (let ((v (assoc name sbx-params)))
    (if v (cdr v) #f)))

(define (import name)
  (if (not (string? name)) (sbx-fail "(import ...) needs a string"))
  (if sbx-strict (sbx-fail "(import \"" name "\"): sbxc profiles must be self-contained"))
  #t)

; libsandbox's own helper (Chromium's profiles call it): s with every regex
; metacharacter escaped.
(define (regex-quote s)
  (if (not (string? s)) (sbx-fail "(regex-quote ...) needs a string"))
  (let loop ((i 0) (acc ""))
    (if (= i (string-length s))
        acc
        (let ((c (substring s i (+ i 1))))
          (loop (+ i 1)
                (string-append acc (if (sbx-find "\\.^$|?*+()[]{}" c 0) "\\" "") c))))))

(define (debug . args) #t)
(define (trace . args) #t)

(define (allow . args) (sbx-rule "allow" args))
(define (deny . args) (sbx-rule "deny" args))

; (allow|deny OP... FILTER-OR-MODIFIER...): operations first, then filters
; (any one matches) and modifiers.
(define (sbx-rule decision args)
  (if (not sbx-version) (sbx-fail "(" decision " ...) before (version 1)"))
  (let loop ((a args) (ops '()))
    (if (and (pair? a) (sbx-is? (car a) 'op))
        (loop (cdr a) (cons (sbx-tag-name (car a)) ops))
        (let ((ops (reverse ops)) (filters '()) (mods '()))
          (if (null? ops) (sbx-fail "(" decision " ...) names no operation"))
          (for-each
           (lambda (x)
             (cond ((sbx-is? x 'filter) (set! filters (cons x filters)))
                   ((sbx-is? x 'mod) (set! mods (cons x mods)))
                   ((sbx-is? x 'op) (sbx-fail "(" decision " ...): operation " (sbx-tag-name x) " after a filter"))
                   ((eq? x #f) (sbx-fail "(" decision " " (car ops) " ...): an argument is #f (a (param ...) without a value?)"))
                   (else (sbx-fail "(" decision " " (car ops) " ...): not a filter or modifier: " (sbx-show x)))))
           a)
          (if (and (member "default" ops) (not (null? filters)))
              (sbx-fail "(" decision " default ...) takes no filter"))
          (if (and (member "default" ops) (> (length ops) 1))
              (sbx-fail "(" decision " default ...) mixed with other operations"))
          (if sbx-strict (sbx-lint-rule decision ops (reverse filters)))
          (if (and (= sbx-nrules 0) (string=? decision "deny") (equal? ops '("default")))
              (set! sbx-deny-default #t))
          (set! sbx-nrules (+ sbx-nrules 1))
          (set! sbx-rules (cons (list decision ops (reverse filters) (reverse mods)) sbx-rules))))))

; ---- lints for sbxc's own profiles (--strict) ----

; The kernel reports resolved paths: a rule under /tmp, /var or /etc (links
; into /private) never matches, and a spelling the kernel never produces
; ("//", "/./", "/../", a trailing "/") never matches either.
(define (sbx-lint-path name a)
  (if (or (sbx-contains? a "//") (sbx-contains? a "/./") (sbx-contains? a "/../")
          (sbx-suffix? a "/.") (sbx-suffix? a "/..")
          (and (> (string-length a) 1) (sbx-suffix? a "/")))
      (sbx-fail "(" name " \"" a "\"): not a normalised path"))
  (for-each
   (lambda (d)
     (if (or (sbx-prefix? a (string-append d "/"))
             (and (string=? a d) (not (member name '("literal" "path")))))
         (sbx-fail "(" name " \"" a "\"): " d " is a link into /private; the kernel never sees this path")))
   '("/tmp" "/var" "/etc")))

; srt once wrote (local ip ...) on network-outbound and opened all egress:
; outbound rules take remote addresses, bind/inbound rules local ones.
(define (sbx-lint-rule decision ops filters)
  (define (walk f)
    (let ((n (sbx-tag-name f)))
      (cond ((member n '("require-all" "require-any" "require-not")) (for-each walk (sbx-data f)))
            ((string=? n "local")
             (if (member "network-outbound" ops)
                 (sbx-fail "(" decision " network-outbound (local ...)): outbound traffic is matched by remote")))
            ((string=? n "remote")
             (if (or (member "network-bind" ops) (member "network-inbound" ops))
                 (sbx-fail "(" decision " network-bind/inbound (remote ...)): bind and inbound are matched by local"))))))
  (for-each walk filters)
  (if (not sbx-deny-default)
      (if (not (and (string=? decision "deny") (equal? ops '("default"))))
          (sbx-fail "the first rule must be (deny default)"))))

; Seatbelt lets a rule naming an operation itself beat a rule naming it by
; a wildcard, whatever their order: (allow file-read-metadata ...) anywhere
; beats (deny file-read* ...). So a deny of a wildcard must also name every
; sub-operation that some allow names by itself.
(define (sbx-wild? o) (and (> (string-length o) 1) (sbx-suffix? o "*")))
(define (sbx-sub-of? s w)
  (and (not (sbx-wild? s)) (not (string=? s w))
       (sbx-prefix? s (substring w 0 (- (string-length w) 1)))))
(define (sbx-lint-subops)
  (let ((named '()))
    (for-each
     (lambda (r)
       (if (string=? (car r) "allow")
           (for-each (lambda (o)
                       (if (and (not (sbx-wild? o)) (not (string=? o "default")) (not (member o named)))
                           (set! named (cons o named))))
                     (cadr r))))
     sbx-rules)
    (for-each
     (lambda (r)
       (if (string=? (car r) "deny")
           (for-each
            (lambda (w)
              (if (sbx-wild? w)
                  (for-each (lambda (s)
                              (if (and (sbx-sub-of? s w) (not (member s (cadr r))))
                                  (sbx-fail "(deny " w " ...) does not name " s
                                            ": an (allow " s " ...) beats it whatever the order")))
                            named)))
            (cadr r))))
     sbx-rules)))

; Writing a terminal without its ioctls: the shell runs but gets no job
; control ("can't set tty pgrp"). sbxc grants file-ioctl with every write of
; a terminal device.
(define (sbx-tty-arg? a)
  (and (string? a) (or (sbx-contains? a "/dev/tty") (sbx-contains? a "/dev/ptmx"))))
(define (sbx-lint-tty r)
  (define (walk f)
    (for-each (lambda (a)
                (cond ((sbx-is? a 'filter) (walk a))
                      ((sbx-tty-arg? a)
                       (sbx-fail "(allow file-write* ... \"" a "\") without file-ioctl: the terminal gets no job control"))))
              (sbx-data f)))
  (if (and (string=? (car r) "allow") (member "file-write*" (cadr r)) (not (member "file-ioctl" (cadr r))))
      (for-each walk (caddr r))))

; ---- the end of the profile ----
(define (sbx-finish)
  (if (not sbx-version) (sbx-fail "no (version 1)"))
  (if (and sbx-strict (not sbx-deny-default)) (sbx-fail "no (deny default) first"))
  (if sbx-strict (sbx-lint-subops))
  (if sbx-strict (for-each sbx-lint-tty sbx-rules))
  (if sbx-dump (for-each sbx-dump-rule (reverse sbx-rules)))
  (display "sbpl-check: ok ")
  (display sbx-nrules)
  (display " rules")
  (newline))

; One line per top-level filter (they are alternatives):
;   DECISION <tab> OP,OP <tab> FILTER-AS-SEXP
; with "-" for a rule without filters.
(define (sbx-dump-rule r)
  (let ((decision (car r)) (ops (cadr r)) (filters (caddr r)))
    (define (line f)
      (display decision) (display "\t")
      (display (car ops))
      (for-each (lambda (o) (display ",") (display o)) (cdr ops))
      (display "\t")
      (if f (sbx-write-filter f) (display "-"))
      (newline))
    (if (null? filters) (line #f) (for-each line filters))))

(define (sbx-write-filter f)
  (display "(")
  (display (sbx-tag-name f))
  (for-each
   (lambda (a)
     (display " ")
     (cond ((sbx-is? a 'filter) (sbx-write-filter a))
           ((sbx-is? a 'const) (display (sbx-tag-name a)))
           (else (write a))))
   (sbx-data f))
  (display ")"))
