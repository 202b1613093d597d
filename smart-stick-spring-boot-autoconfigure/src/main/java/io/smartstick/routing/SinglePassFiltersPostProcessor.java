package io.smartstick.routing;

import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.cloud.gateway.filter.RouteToRequestUrlFilter;
import org.springframework.cloud.gateway.filter.headers.RemoveForwardedHeadersFilter;
import org.springframework.cloud.gateway.filter.headers.RemoveHopByHopHeadersFilter;
import org.springframework.cloud.gateway.filter.headers.TrustedProxies;
import org.springframework.cloud.gateway.filter.headers.XForwardedHeadersFilter;
import org.springframework.context.EnvironmentAware;
import org.springframework.core.env.Environment;

/**
 * Puts smart-stick's single-pass filters in place of four that Gateway's
 * auto-configuration creates, carrying over the settings bound to them:
 * {@link SinglePassXForwardedHeadersFilter} for the {@link XForwardedHeadersFilter}
 * (created when {@code spring.cloud.gateway.server.webflux.trusted-proxies} is set),
 * {@link SinglePassRemoveForwardedHeadersFilter} for the
 * {@link RemoveForwardedHeadersFilter} (created when Gateway does not write the
 * {@code Forwarded} header), {@link SinglePassRemoveHopByHopHeadersFilter} for the
 * {@link RemoveHopByHopHeadersFilter} and {@link SinglePassRouteToRequestUrlFilter} for
 * the {@link RouteToRequestUrlFilter}. Gateway creates these beans unconditionally of
 * other beans, so they cannot be replaced by declaring one; a filter of another type (a
 * subclass the application declares, say) is left alone.
 *
 * @author smart-stick
 */
public class SinglePassFiltersPostProcessor implements BeanPostProcessor, EnvironmentAware {

	private Environment environment;

	@Override
	public void setEnvironment(Environment environment) {
		this.environment = environment;
	}

	@Override
	public Object postProcessAfterInitialization(Object bean, String beanName) {
		if (bean.getClass() == RouteToRequestUrlFilter.class) {
			return new SinglePassRouteToRequestUrlFilter();
		}
		if (bean.getClass() == RemoveForwardedHeadersFilter.class) {
			return new SinglePassRemoveForwardedHeadersFilter();
		}
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
