; The standard wallet (contracts §2), after TON's wallet v3: an external message signed with the
; owner's ed25519 key sends up to four messages, each of which may deploy its destination.
; Everything that can refuse a message runs before ACCEPT, so a replayed, expired, forged or
; malformed message leaves no trace and costs its sender nothing on-chain (vm §4.1). Stack pictures after ";" read bottom to top.

; Storage (contracts §2.1). The key and subwallet never change and the seqno changes on every
; transfer, so they live under separate keys: a transfer rewrites 34 bytes, not the whole record.
.const KEY_STATIC x"00"          ; [publicKey (32 Bytes), subwalletId]
.const KEY_SEQNO x"01"           ; seqno

; Exit codes (contracts §2.3); 33..36 are TON's wallet codes.
.const E_BAD_BODY 32
.const E_BAD_SEQNO 33
.const E_BAD_SUBWALLET 34
.const E_BAD_SIGNATURE 35
.const E_EXPIRED 36
.const E_TOO_MANY_MESSAGES 37

.const MAX_MESSAGES 4
; ~0xf7: the bits no send mode may carry (vm §4.11 allows 1, 2, 4, 16, 32, 64, 128); also catches
; negative modes and modes above 255.
.const MODE_BAD_BITS -248
.const MODE_64_128 0xc0

; A plain top-up: the value is credited by the node before the run, so there is nothing to do.
.entry recv_internal
    RET

; Body: [signature, signed], signed = [subwalletId, validUntil, seqno, messages] (contracts §2.2).
.entry recv_external
    ; The form is checked in full first: any later instruction that met a value of the wrong
    ; kind would trap with a VM code instead of the wallet's own.
    DUP
    ISTUPLE
    THROWIFNOT E_BAD_BODY
    DUP
    TLEN
    PUSH 2
    EQ
    THROWIFNOT E_BAD_BODY
    UNTUPLE 2                   ; sig signed
    OVER
    ISBYTES
    THROWIFNOT E_BAD_BODY
    OVER
    BLEN
    PUSH 64
    EQ
    THROWIFNOT E_BAD_BODY
    DUP
    ISTUPLE
    THROWIFNOT E_BAD_BODY
    DUP
    TLEN
    PUSH 4
    EQ
    THROWIFNOT E_BAD_BODY
    DUP
    UNTUPLE 4                   ; sig signed sub until seqno msgs
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
    ; Each message must be one SEND accepts (vm §4.11): after ACCEPT a trap would still charge
    ; the fee but roll back the seqno, and the same message could then be replayed until expiry.
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
    TLEN                        ; ... i m n
    DUP
    PUSH 4
    EQ
    JMPIF four_items
    PUSH 5                      ; a fifth item is a state init that deploys the destination
    EQ
    THROWIFNOT E_BAD_BODY
    DUP
    INDEX 4
    ISINIT
    THROWIFNOT E_BAD_BODY
    UNTUPLE 5
    DROP
    JMP check_fields
four_items:
    DROP
    UNTUPLE 4
check_fields:                   ; ... i dest value body mode
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
    DROP                        ; any body is allowed
    DUP
    ISINT
    THROWIFNOT E_BAD_BODY
    PUSH 120                    ; 0 <= value < 2^120: shifted right, only 0 remains
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
    JMP checked
no_messages:
    DROP
checked:                        ; sig signed sub until seqno msgs
    PUSH KEY_STATIC
    SLOAD
    UNTUPLE 2                   ; sig signed sub until seqno msgs key mysub
    PICK 5
    EQ
    THROWIFNOT E_BAD_SUBWALLET  ; sig signed sub until seqno msgs key
    PICK 3
    NOW
    LT
    THROWIF E_EXPIRED
    PUSH KEY_SEQNO
    SLOAD                       ; sig signed sub until seqno msgs key stored
    DUP
    PICK 4
    EQ
    THROWIFNOT E_BAD_SEQNO
    ; The signature covers HASH(signed), a 32-byte digest, so EDVERIFY's price does not grow
    ; with the messages (only HASH's does, 6 gas per 32 size units).
    PICK 6
    HASH
    PICK 8
    PICK 3                      ; ... key stored hash sig key
    EDVERIFY
    THROWIFNOT E_BAD_SIGNATURE
    ACCEPT
    INC
    PUSH KEY_SEQNO
    SSTORE                      ; sig signed sub until seqno msgs key
    DROP
    DUP
    TLEN                        ; msgs n
    DUP
    JMPIFNOT done
send_message:                   ; msgs c, c counting n down to 1: message n - c goes next
    OVER
    DUP
    TLEN
    PICK 2
    SUB
    INDEXV
    DUP
    TLEN
    PUSH 5
    EQ
    JMPIF send_init
    UNTUPLE 4
    SEND
    NEXT send_message
    RET
send_init:
    UNTUPLE 5
    SENDINIT
    NEXT send_message
    RET
done:
    RET

; Get-methods (contracts §2.4).
.entry seqno
    PUSH KEY_SEQNO
    SLOAD
    RET

.entry publicKey
    PUSH KEY_STATIC
    SLOAD
    INDEX 0
    RET

.entry subwalletId
    PUSH KEY_STATIC
    SLOAD
    INDEX 1
    RET
