package io.smartstick.routing;

import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.cloud.gateway.filter.headers.TrustedProxies;
import org.springframework.cloud.gateway.filter.headers.XForwardedHeadersFilter;
import org.springframework.context.EnvironmentAware;
import org.springframework.core.env.Environment;

/**
 * Puts a {@link SinglePassXForwardedHeadersFilter} in place of the
 * {@link XForwardedHeadersFilter} that Gateway's auto-configuration creates when
 * {@code spring.cloud.gateway.server.webflux.trusted-proxies} is set, carrying over the
 * settings bound to it. Gateway creates the bean unconditionally of other beans, so it
 * cannot be replaced by declaring one; a filter of another type (a subclass the
 * application declares, say) is left alone.
 *
 * @author smart-stick
 */
public class XForwardedHeadersFilterPostProcessor implements BeanPostProcessor, EnvironmentAware {

	private Environment environment;

	@Override
	public void setEnvironment(Environment environment) {
		this.environment = environment;
	}

	@Override
	public Object postProcessAfterInitialization(Object bean, String beanName) {
		if (bean.getClass() != XForwardedHeadersFilter.class) {
			return bean;
		}
		String trustedProxies = this.environment.getProperty(TrustedProxies.PROPERTY);
		if (trustedProxies == null || trustedProxies.isBlank()) {
			return bean;
		}
		return SinglePassXForwardedHeadersFilter.withSettingsOf((XForwardedHeadersFilter) bean, trustedProxies);
	}

}
