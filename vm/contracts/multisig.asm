; The k-of-n multisig wallet (contracts §4): an external message carrying an order and the
; signatures of at least k distinct owners sends up to four messages. As in the wallet, every
; refusal happens before ACCEPT, so a refused order leaves no trace and costs nothing on-chain
; (vm §4.1). Stack pictures after ";" read bottom to top.

; Storage (contracts §4.1): the fixed part under one key, the seqno alone under another, so that
; an order rewrites 34 bytes and not the owners' keys.
.const KEY_STATIC x"00"          ; [owners (Tuple of 32-byte keys), threshold, walletId]
.const KEY_SEQNO x"01"           ; seqno

; Exit codes (contracts §4.3); 32..37 mean what they mean for the wallet.
.const E_BAD_BODY 32
.const E_BAD_SEQNO 33
.const E_BAD_WALLET_ID 34
.const E_BAD_SIGNATURE 35
.const E_EXPIRED 36
.const E_TOO_MANY_MESSAGES 37
.const E_UNKNOWN_OWNER 38
.const E_DUPLICATE_OWNER 39
.const E_NOT_ENOUGH_SIGNATURES 40

.const MAX_MESSAGES 4
; No more signatures than owners can be valid; the cap bounds the form check below.
.const MAX_SIGNATURES 16
; ~0xf7 and 64|128: the send-mode rule of vm §4.11, as in the wallet.
.const MODE_BAD_BITS -248
.const MODE_64_128 0xc0

.entry recv_internal
    RET

; Body: [signatures, order], order = [walletId, validUntil, seqno, messages], signatures a Tuple
; of [ownerIndex, signature] (contracts §4.2).
.entry recv_external
    DUP
    ISTUPLE
    THROWIFNOT E_BAD_BODY
    DUP
    TLEN
    PUSH 2
    EQ
    THROWIFNOT E_BAD_BODY
    UNTUPLE 2                   ; sigs order
    OVER
    ISTUPLE
    THROWIFNOT E_BAD_BODY
    OVER
    TLEN
    PUSH MAX_SIGNATURES
    GT
    THROWIF E_BAD_BODY
    DUP
    ISTUPLE
    THROWIFNOT E_BAD_BODY
    DUP
    TLEN
    PUSH 4
    EQ
    THROWIFNOT E_BAD_BODY
    DUP
    UNTUPLE 4                   ; sigs order wid until seqno msgs
    PICK 1
    ISINT
    THROWIFNOT E_BAD_BODY
    PICK 2
    ISINT
    THROWIFNOT E_BAD_BODY
    PICK 3
    ISINT
    THROWIFNOT E_BAD_BODY
    DUP
    ISTUPLE
    THROWIFNOT E_BAD_BODY
    DUP
    TLEN
    PUSH MAX_MESSAGES
    GT
    THROWIF E_TOO_MANY_MESSAGES
    ; Every message must be one SEND accepts: a trap after ACCEPT would charge the fee and roll
    ; back the seqno, leaving the order replayable until it expires.
    DUP
    UNPACK                      ; ... msgs m1 .. mn n
    DUP
    JMPIFNOT no_messages
check_message:                  ; ... m1 .. mi i
    SWAP
    DUP
    ISTUPLE
    THROWIFNOT E_BAD_BODY
    DUP
    TLEN
    PUSH 4
    EQ
    THROWIFNOT E_BAD_BODY
    UNTUPLE 4                   ; ... i dest value body mode
    DUP
    ISINT
    THROWIFNOT E_BAD_BODY
    DUP
    PUSH MODE_BAD_BITS
    AND
    THROWIF E_BAD_BODY
    PUSH MODE_64_128
    AND
    PUSH MODE_64_128
    EQ
    THROWIF E_BAD_BODY
    DROP
    DUP
    ISINT
    THROWIFNOT E_BAD_BODY
    PUSH 120
    SHR
    THROWIF E_BAD_BODY
    DUP
    ISBYTES
    THROWIFNOT E_BAD_BODY
    BLEN
    PUSH 36
    EQ
    THROWIFNOT E_BAD_BODY
    NEXT check_message
    JMP messages_checked
no_messages:
    DROP
messages_checked:               ; sigs order wid until seqno msgs
    PICK 5
    UNPACK                      ; ... p1 .. pn n
    DUP
    JMPIFNOT no_signatures
check_pair:                     ; ... p1 .. pi i
    SWAP
    DUP
    ISTUPLE
    THROWIFNOT E_BAD_BODY
    DUP
    TLEN
    PUSH 2
    EQ
    THROWIFNOT E_BAD_BODY
    UNTUPLE 2                   ; ... i index sig
    DUP
    ISBYTES
    THROWIFNOT E_BAD_BODY
    BLEN
    PUSH 64
    EQ
    THROWIFNOT E_BAD_BODY
    ISINT
    THROWIFNOT E_BAD_BODY
    NEXT check_pair
    JMP checked
no_signatures:
    DROP
checked:                        ; sigs order wid until seqno msgs
    PUSH KEY_STATIC
    SLOAD
    UNTUPLE 3                   ; sigs order wid until seqno msgs owners k mywid
    PICK 6
    EQ
    THROWIFNOT E_BAD_WALLET_ID  ; sigs order wid until seqno msgs owners k
    PICK 4
    NOW
    LT
    THROWIF E_EXPIRED
    PUSH KEY_SEQNO
    SLOAD                       ; sigs order wid until seqno msgs owners k stored
    DUP
    PICK 5
    EQ
    THROWIFNOT E_BAD_SEQNO
    ; Counting first refuses a short order before any 2000-gas signature check.
    PICK 8
    TLEN
    PICK 2
    LT
    THROWIF E_NOT_ENOUGH_SIGNATURES
    ; Every listed signature must be valid and from a distinct owner; with at least k listed,
    ; that is at least k distinct owners. `seen` has bit i set once owner i has signed.
    PICK 2
    PICK 8
    HASH
    PICK 10
    PUSH 0
    PICK 1
    TLEN                        ; ... owners hash sigs seen c
verify:                         ; c counting n down to 1: pair n - c goes next
    PICK 2
    DUP
    TLEN
    PICK 2
    SUB
    INDEXV
    UNTUPLE 2                   ; owners hash sigs seen c index sig
    OVER
    PUSH 0
    LT
    THROWIF E_UNKNOWN_OWNER
    OVER
    PICK 7
    TLEN
    GEQ
    THROWIF E_UNKNOWN_OWNER
    PUSH 1
    PICK 2
    SHL                         ; ... c index sig bit
    DUP
    PICK 5
    AND
    THROWIF E_DUPLICATE_OWNER
    PICK 4
    OR
    XCHG 4
    DROP                        ; owners hash sigs seen' c index sig
    PICK 5
    SWAP
    PICK 7
    PICK 3
    INDEXV                      ; ... c index hash sig key
    EDVERIFY
    THROWIFNOT E_BAD_SIGNATURE
    DROP
    NEXT verify
    DROPN 4                     ; sigs order wid until seqno msgs owners k stored
    ACCEPT
    INC
    PUSH KEY_SEQNO
    SSTORE
    DROPN 2                     ; sigs order wid until seqno msgs
    DUP
    TLEN
    DUP
    JMPIFNOT done
send_message:                   ; msgs c: message n - c goes next
    OVER
    DUP
    TLEN
    PICK 2
    SUB
    INDEXV
    UNTUPLE 4
    SEND
    NEXT send_message
    RET
done:
    RET

; Get-methods (contracts §4.4).
.entry seqno
    PUSH KEY_SEQNO
    SLOAD
    RET

.entry owners
    PUSH KEY_STATIC
    SLOAD
    INDEX 0
    RET

.entry threshold
    PUSH KEY_STATIC
    SLOAD
    INDEX 1
    RET

.entry walletId
    PUSH KEY_STATIC
    SLOAD
    INDEX 2
    RET
