package io.smartstick.autoconfigure;

import java.util.ArrayList;
import java.util.List;

import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.cloud.gateway.filter.GlobalFilter;
import org.springframework.cloud.gateway.filter.headers.HttpHeadersFilter;
import org.springframework.web.server.WebFilter;

/**
 * Finds the filters of the application's own that see proxied requests on the Gateway
 * engine and would be bypassed by the fast engine: {@link WebFilter}s (Spring Security's
 * filter chain, say), Gateway {@link GlobalFilter}s and {@link HttpHeadersFilter}s. Gateway's
 * and smart-stick's own are not counted.
 *
 * @author smart-stick
 */
final class OwnFilters {

	private static final Class<?>[] TYPES = { WebFilter.class, GlobalFilter.class, HttpHeadersFilter.class };

	/** Gateway's own filters, and smart-stick's (the forwarding-header filter, the single-pass ones). */
	private static final String[] NOT_OWN = { "org.springframework.cloud.gateway.", "io.smartstick.routing." };

	private OwnFilters() {
	}

	/**
	 * Return the application's own filters.
	 * @param beanFactory the bean factory, its bean definitions registered
	 * @return each as {@code beanName (type)}, empty when none
	 */
	static List<String> find(ConfigurableListableBeanFactory beanFactory) {
		List<String> own = new ArrayList<>();
		for (Class<?> type : TYPES) {
			for (String name : beanFactory.getBeanNamesForType(type, true, false)) {
				Class<?> beanType = beanFactory.getType(name, false);
				String className = (beanType != null) ? beanType.getName() : "?";
				if (!isNotOwn(className)) {
					boolean named = beanType != null && !beanType.isSynthetic() && !beanType.isHidden();
					own.add(name + " (" + (named ? beanType.getSimpleName() : type.getSimpleName()) + ")");
				}
			}
		}
		return own;
	}

	private static boolean isNotOwn(String className) {
		for (String prefix : NOT_OWN) {
			if (className.startsWith(prefix)) {
				return true;
			}
		}
		return false;
	}

}
