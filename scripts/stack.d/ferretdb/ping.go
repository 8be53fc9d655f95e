package main

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"io"
	"net"
	"time"
)

// ping sends a MongoDB OP_MSG {ping: 1, $db: "admin"} and checks for ok: 1.
// It is hand-rolled to keep the launcher free of a MongoDB driver dependency.
func ping(addr string, timeout time.Duration) error {
	conn, err := net.DialTimeout("tcp", addr, timeout)
	if err != nil {
		return err
	}
	defer conn.Close()
	_ = conn.SetDeadline(time.Now().Add(timeout))

	// BSON document {ping: int32(1), $db: "admin"}
	var doc bytes.Buffer
	doc.WriteByte(0x10) // int32
	doc.WriteString("ping\x00")
	_ = binary.Write(&doc, binary.LittleEndian, int32(1))
	doc.WriteByte(0x02) // string
	doc.WriteString("$db\x00")
	_ = binary.Write(&doc, binary.LittleEndian, int32(len("admin")+1))
	doc.WriteString("admin\x00")
	doc.WriteByte(0x00)
	bson := make([]byte, 4, 4+doc.Len())
	binary.LittleEndian.PutUint32(bson, uint32(4+doc.Len()))
	bson = append(bson, doc.Bytes()...)

	// OP_MSG: header(16) + flagBits(4) + section kind 0 (1) + document
	msgLen := 16 + 4 + 1 + len(bson)
	var msg bytes.Buffer
	_ = binary.Write(&msg, binary.LittleEndian, int32(msgLen))
	_ = binary.Write(&msg, binary.LittleEndian, int32(1)) // requestID
	_ = binary.Write(&msg, binary.LittleEndian, int32(0)) // responseTo
	_ = binary.Write(&msg, binary.LittleEndian, int32(2013))
	_ = binary.Write(&msg, binary.LittleEndian, uint32(0))
	msg.WriteByte(0)
	msg.Write(bson)
	if _, err = conn.Write(msg.Bytes()); err != nil {
		return err
	}

	hdr := make([]byte, 16)
	if _, err = io.ReadFull(conn, hdr); err != nil {
		return err
	}
	n := int(binary.LittleEndian.Uint32(hdr[0:4]))
	op := binary.LittleEndian.Uint32(hdr[12:16])
	if n < 16 || n > 16<<20 {
		return fmt.Errorf("bad reply length %d", n)
	}
	body := make([]byte, n-16)
	if _, err = io.ReadFull(conn, body); err != nil {
		return err
	}
	if op != 2013 {
		return fmt.Errorf("unexpected reply opcode %d", op)
	}
	// Look for the "ok" field set to 1 (double or int32) in the reply document.
	if bytes.Contains(body, append([]byte{0x01}, append([]byte("ok\x00"), 0, 0, 0, 0, 0, 0, 0xf0, 0x3f)...)) ||
		bytes.Contains(body, append([]byte{0x10}, append([]byte("ok\x00"), 1, 0, 0, 0)...)) {
		return nil
	}
	return fmt.Errorf("ping reply without ok: 1")
}
