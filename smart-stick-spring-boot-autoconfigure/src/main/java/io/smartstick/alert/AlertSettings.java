package io.smartstick.alert;

import java.time.Duration;

/**
 * How alert mails are written, damped and retried.
 *
 * @param subjectPrefix text put before every subject, may be empty
 * @param minInterval time within which further changes of one backend are held back and
 * summarised; zero mails every change
 * @param retries times a failed send is tried again
 * @param retryBackoff first delay before trying a failed send again, doubled each time
 * @author smart-stick
 */
public record AlertSettings(String subjectPrefix, Duration minInterval, int retries, Duration retryBackoff) {

}
