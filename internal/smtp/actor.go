package smtp

// Actor is who has to do something about a reply.
type Actor string

const (
	// NoOne: the reply is a success.
	NoOne Actor = "none"
	// Wait: a temporary failure that the sending server retries by itself.
	Wait Actor = "wait"
	// Sender: the person who sent the message (a wrong address, a message
	// the recipient's system will not take).
	Sender Actor = "sender"
	// SenderClient: the sender's mail program or its settings
	// (authentication, encryption).
	SenderClient Actor = "sender_client"
	// Recipient: the person the message was for (a full or disabled mailbox).
	Recipient Actor = "recipient"
	// SendingAdmin: whoever runs the sending server or the sender's domain.
	SendingAdmin Actor = "sending_admin"
	// ReceivingAdmin: whoever runs the receiving system.
	ReceivingAdmin Actor = "receiving_admin"
)

// Actors lists every actor, in the order above.
var Actors = []Actor{NoOne, Wait, Sender, SenderClient, Recipient, SendingAdmin, ReceivingAdmin}

// Valid reports whether a is one of Actors.
func (a Actor) Valid() bool {
	for _, b := range Actors {
		if a == b {
			return true
		}
	}
	return false
}

// WhoActs says who has to act on a reply with the given basic and enhanced
// codes (either may be ""). The class that decides is the basic code's, or
// the enhanced code's when there is no basic code. A temporary failure
// clears by itself, except a full mailbox (4.2.2), which its owner must
// empty. For a permanent failure the subject of the enhanced code decides,
// following RFC 3463 §3, which says under whose control each subject is
// "assumed" to be; without one, the basic code does.
func WhoActs(basic, enhanced string) Actor {
	class := Class(basic)
	if basic == "" {
		class = Class(enhanced)
	}
	switch {
	case class != 4 && class != 5:
		return NoOne
	case class == 4 && enhanced != "4.2.2":
		return Wait
	}
	switch Subject(enhanced) {
	case 1, 6:
		return Sender
	case 2:
		return Recipient
	case 3, 4:
		return ReceivingAdmin
	case 5, 7:
		return SendingAdmin
	}
	switch basic {
	case "550", "551", "553", "556", "521", "552":
		return Sender
	case "530", "534", "535", "538", "523", "525":
		return SenderClient
	}
	return SendingAdmin
}
