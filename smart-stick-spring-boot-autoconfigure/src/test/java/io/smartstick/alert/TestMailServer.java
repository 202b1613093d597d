package io.smartstick.alert;

import java.util.Arrays;
import java.util.List;

import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import jakarta.mail.Address;
import jakarta.mail.Message;
import jakarta.mail.MessagingException;
import jakarta.mail.internet.MimeMessage;

/**
 * A GreenMail SMTP server on a free loopback port, for end-to-end alert tests.
 */
final class TestMailServer implements AutoCloseable {

	private final GreenMail greenMail;

	TestMailServer() {
		ServerSetup smtp = new ServerSetup(0, "127.0.0.1", ServerSetup.PROTOCOL_SMTP);
		smtp.setServerStartupTimeout(5000);
		this.greenMail = new GreenMail(smtp);
		this.greenMail.start();
	}

	int port() {
		return this.greenMail.getSmtp().getPort();
	}

	GreenMail greenMail() {
		return this.greenMail;
	}

	/**
	 * Return the mails received for the given recipient, oldest first.
	 * @param recipient the address
	 * @return the mails
	 */
	List<MimeMessage> to(String recipient) {
		return Arrays.stream(this.greenMail.getReceivedMessages())
			.filter((message) -> recipients(message).contains(recipient))
			.toList();
	}

	/**
	 * Return every mail whose subject contains the given text.
	 * @param text the text
	 * @return the mails
	 */
	List<MimeMessage> withSubjectContaining(String text) {
		return Arrays.stream(this.greenMail.getReceivedMessages())
			.filter((message) -> subject(message).contains(text))
			.toList();
	}

	static String subject(MimeMessage message) {
		try {
			return message.getSubject();
		}
		catch (MessagingException ex) {
			throw new IllegalStateException(ex);
		}
	}

	static String body(MimeMessage message) {
		try {
			return ((String) message.getContent()).replace("\r\n", "\n");
		}
		catch (Exception ex) {
			throw new IllegalStateException(ex);
		}
	}

	static String from(MimeMessage message) {
		try {
			return message.getFrom()[0].toString();
		}
		catch (MessagingException ex) {
			throw new IllegalStateException(ex);
		}
	}

	private static List<String> recipients(MimeMessage message) {
		try {
			Address[] to = message.getRecipients(Message.RecipientType.TO);
			return (to != null) ? Arrays.stream(to).map(Address::toString).toList() : List.of();
		}
		catch (MessagingException ex) {
			throw new IllegalStateException(ex);
		}
	}

	@Override
	public void close() {
		this.greenMail.stop();
	}

}
