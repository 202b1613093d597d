package io.smartstick.routing;

import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.cloud.gateway.filter.headers.RemoveHopByHopHeadersFilter;
import org.springframework.cloud.gateway.filter.headers.TrustedProxies;
import org.springframework.cloud.gateway.filter.headers.XForwardedHeadersFilter;
import org.springframework.context.EnvironmentAware;
import org.springframework.core.env.Environment;

/**
 * Puts the single-pass header filters in place of two that Gateway's auto-configuration
 * creates, carrying over the settings bound to them: {@link SinglePassXForwardedHeadersFilter}
 * for the {@link XForwardedHeadersFilter} (created when
 * {@code spring.cloud.gateway.server.webflux.trusted-proxies} is set) and
 * {@link SinglePassRemoveHopByHopHeadersFilter} for the
 * {@link RemoveHopByHopHeadersFilter}. Gateway creates these beans unconditionally of
 * other beans, so they cannot be replaced by declaring one; a filter of another type (a
 * subclass the application declares, say) is left alone.
 *
 * @author smart-stick
 */
public class SinglePassHeadersFiltersPostProcessor implements BeanPostProcessor, EnvironmentAware {

	private Environment environment;

	@Override
	public void setEnvironment(Environment environment) {
		this.environment = environment;
	}

	@Override
	public Object postProcessAfterInitialization(Object bean, String beanName) {
		if (bean.getClass() == RemoveHopByHopHeadersFilter.class) {
			return SinglePassRemoveHopByHopHeadersFilter.withSettingsOf((RemoveHopByHopHeadersFilter) bean);
		}
		if (bean.getClass() == XForwardedHeadersFilter.class) {
			String trustedProxies = this.environment.getProperty(TrustedProxies.PROPERTY);
			if (trustedProxies != null && !trustedProxies.isBlank()) {
				return SinglePassXForwardedHeadersFilter.withSettingsOf((XForwardedHeadersFilter) bean, trustedProxies);
			}
		}
		return bean;
	}

}
