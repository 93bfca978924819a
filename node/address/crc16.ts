// CRC-16/XMODEM (poly 0x1021, init 0, no reflection): the friendly form's checksum (specs/address.md §3).
const TABLE = (() => {
  const table = new Uint16Array(256);
  for (let n = 0; n < 256; n++) {
    let crc = n << 8;
    for (let bit = 0; bit < 8; bit++) crc = crc & 0x8000 ? (crc << 1) ^ 0x1021 : crc << 1;
    table[n] = crc & 0xffff;
  }
  return table;
})();

export function crc16xmodem(data: Uint8Array): number {
  if (!(data instanceof Uint8Array)) throw new TypeError("crc16xmodem: data must be a Uint8Array");
  let crc = 0;
  for (const byte of data) crc = ((crc << 8) & 0xffff) ^ TABLE[(crc >> 8) ^ byte];
  return crc;
}
