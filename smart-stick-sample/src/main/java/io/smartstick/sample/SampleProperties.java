package io.smartstick.sample;

import java.util.ArrayList;
import java.util.List;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Settings of the demo.
 *
 * @author smart-stick
 */
@ConfigurationProperties("sample")
public class SampleProperties {

	/**
	 * Whether to start the demo backends in the same process.
	 */
	private boolean demoBackends = true;

	/**
	 * Address the demo backends listen on.
	 */
	private String demoHost = "127.0.0.1";

	/**
	 * Ports of the demo backends.
	 */
	private List<Integer> demoPorts = new ArrayList<>(List.of(5000, 5001, 5002, 5003));

	public boolean isDemoBackends() {
		return this.demoBackends;
	}

	public void setDemoBackends(boolean demoBackends) {
		this.demoBackends = demoBackends;
	}

	public String getDemoHost() {
		return this.demoHost;
	}

	public void setDemoHost(String demoHost) {
		this.demoHost = demoHost;
	}

	public List<Integer> getDemoPorts() {
		return this.demoPorts;
	}

	public void setDemoPorts(List<Integer> demoPorts) {
		this.demoPorts = demoPorts;
	}

}
