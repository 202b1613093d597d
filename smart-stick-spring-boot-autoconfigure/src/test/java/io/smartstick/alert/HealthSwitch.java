package io.smartstick.alert;

import io.smartstick.test.TestBackend;
import mockwebserver3.Dispatcher;
import mockwebserver3.MockResponse;
import mockwebserver3.RecordedRequest;

/**
 * Makes a {@link TestBackend}'s {@code /health} answer 200 or 503 on demand; every other
 * path answers as before.
 */
final class HealthSwitch {

	private volatile int status = 200;

	HealthSwitch(TestBackend backend) {
		Dispatcher original = backend.server().getDispatcher();
		backend.server().setDispatcher(new Dispatcher() {
			@Override
			public MockResponse dispatch(RecordedRequest request) throws InterruptedException {
				if ("/health".equals(request.getUrl().encodedPath())) {
					return new MockResponse.Builder().code(HealthSwitch.this.status).build();
				}
				return original.dispatch(request);
			}
		});
	}

	void down() {
		this.status = 503;
	}

	void up() {
		this.status = 200;
	}

}
