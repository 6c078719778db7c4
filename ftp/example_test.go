package ftp_test

import (
	"bufio"
	"errors"
	"fmt"
	"strings"

	"ftpdiag/ftp"
)

// A client reads the 227 reply, then checks whether the address it names
// can be reached from outside the server's network.
func ExampleParsePASV() {
	ap, err := ftp.ParsePASV("227 Entering Passive Mode (192,168,1,175,11,187).")
	fmt.Println(ap, err, ftp.ClassOf(ap.Addr()))
	fmt.Printf("port %d*256+%d = %d\n", ap.Port()>>8, ap.Port()&0xff, ap.Port())
	_, err = ftp.ParsePASV("227 Entering Passive Mode (1,2,3,4,300,1)")
	fmt.Println(err)
	// Output:
	// 192.168.1.175:3003 <nil> private
	// port 11*256+187 = 3003
	// unusable PASV reply: "300" is not a number from 0 to 255
}

// A server answers EPRT with 522 for an unknown network protocol and 501
// for any other bad argument.
func ExampleParseEPRT() {
	for _, arg := range []string{"|2|2001:db8::1|2000|", "|3|x|2000|", "|1|10.0.0.2|0|"} {
		ap, err := ftp.ParseEPRT(arg)
		switch {
		case errors.Is(err, ftp.ErrNetProtocol):
			fmt.Println(ftp.BadNetProtocol, err)
		case err != nil:
			fmt.Println(ftp.ArgSyntax, err)
		default:
			fmt.Println(ftp.CommandOK, ap, ftp.FormatEPRT(ap))
		}
	}
	// Output:
	// 200 [2001:db8::1]:2000 |2|2001:db8::1|2000|
	// 522 syntax error: EPRT protocol "3": network protocol not supported
	// 501 syntax error: EPRT port "0" is not a number from 1 to 65535
}

// A log reader feeds lines one at a time; the parser says where each reply
// starts and ends.
func ExampleReplyParser() {
	var p ftp.ReplyParser
	for _, line := range []string{"227-listen socket created", "227 (0,0,0,0,135,179)", "226", "999 what"} {
		kind, code := p.Line(line)
		fmt.Printf("%-27q %s %d\n", line, kind, code)
	}
	// Output:
	// "227-listen socket created" opens a reply 227
	// "227 (0,0,0,0,135,179)"     ends a reply 227
	// "226"                       whole reply 226
	// "999 what"                  no reply 0
}

// The probe reads whole replies off its control connection, within limits.
func ExampleReplyReader() {
	in := "220-Welcome\r\n220 ready\r\n226\r\nSSH-2.0-OpenSSH_9.2\r\n"
	rr := ftp.NewReplyReader(bufio.NewReader(strings.NewReader(in)), 8<<10, 64<<10)
	for {
		r, err := rr.ReadReply()
		if err != nil {
			fmt.Println(errors.Is(err, ftp.ErrNotReply), err)
			return
		}
		fmt.Printf("%d %q\n", r.Code, r.Message())
	}
	// Output:
	// 220 "Welcome\nready"
	// 226 ""
	// true not an FTP reply: "SSH-2.0-OpenSSH_9.2"
}
