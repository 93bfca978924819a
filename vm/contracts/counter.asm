; The counter (contracts §3): the smallest useful contract, written to be read by someone writing
; their first one. It keeps one number; an internal message whose body is an Int n adds n to it,
; and the get-method `counter` reads it.
;
; How a run starts (vm §9): the node pushes the message body on the stack and jumps to the entry
; named after the kind of message. Comments after ";" show the stack, bottom to top.

; Storage is a map from Bytes keys to values (vm §4.9). One key is enough here; a short key keeps
; every read and write cheap, since both are priced by the bytes of key and value.
.const KEY x"00"

; A user exit code (32..65535) tells the sender why its message was refused. On any non-zero
; exit the VM discards storage writes and actions, so a refused message changes nothing.
.const E_BAD_BODY 32

; An internal message: it carries value, so the run is paid for from the start and needs no
; ACCEPT. The counter has no `recv_external` entry, so external messages end with NO_ENTRY (11)
; and are dropped without a fee.
.entry recv_internal            ; body
    ; Check the body before using it: ADD on a non-Int would trap with TYPE (7), which says
    ; less to the sender than our own code.
    DUP                         ; body body
    ISINT                       ; body flag
    THROWIFNOT E_BAD_BODY       ; n
    PUSH KEY                    ; n key
    SLOAD                       ; n counter
    ; Ints are 257-bit and never wrap: a sum outside that range ends the run with
    ; INT_OVERFLOW (4) and the counter keeps its old value.
    ADD                         ; counter+n
    PUSH KEY                    ; counter+n key
    SSTORE                      ; (empty)
    RET                         ; success: the write is kept

; A get-method: any entry other than the two receivers. It runs read-only (a store would end it
; with READ_ONLY, 12) and returns what it leaves on the stack.
.entry counter
    PUSH KEY
    SLOAD                       ; counter
    RET
