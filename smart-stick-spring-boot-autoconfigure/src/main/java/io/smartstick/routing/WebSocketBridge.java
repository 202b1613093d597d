package io.smartstick.routing;

import reactor.core.publisher.Mono;

import org.springframework.web.reactive.socket.CloseStatus;
import org.springframework.web.reactive.socket.WebSocketMessage;
import org.springframework.web.reactive.socket.WebSocketSession;

/**
 * Joins a client's WebSocket session to its backend's: every frame goes across, and when
 * one side closes the other is closed with the same status (or, for a status that may
 * not be sent in a close frame, a protocol error).
 *
 * @author smart-stick
 */
final class WebSocketBridge {

	private WebSocketBridge() {
	}

	static Mono<Void> connect(WebSocketSession client, WebSocketSession backend) {
		Mono<Void> toBackend = backend.send(client.receive().doOnNext(WebSocketMessage::retain));
		Mono<Void> toClient = client.send(backend.receive().doOnNext(WebSocketMessage::retain));
		Mono<Void> backendClosed = backend.closeStatus()
			.defaultIfEmpty(CloseStatus.GOING_AWAY)
			.filter((status) -> client.isOpen())
			.flatMap((status) -> client.close(sendable(status)));
		Mono<Void> clientClosed = client.closeStatus()
			.defaultIfEmpty(CloseStatus.GOING_AWAY)
			.filter((status) -> backend.isOpen())
			.flatMap((status) -> backend.close(sendable(status)));
		// closes propagate on their own; the bridge ends when both directions are done
		Mono.when(backendClosed, clientClosed).subscribe();
		return Mono.when(toBackend, toClient);
	}

	private static CloseStatus sendable(CloseStatus status) {
		int code = status.getCode();
		boolean reserved = code == 1004 || code == 1005 || code == 1006 || code == 1015 || code < 1000 || code >= 5000
				|| (code > 1011 && code < 3000);
		return reserved ? CloseStatus.PROTOCOL_ERROR : status;
	}

}
