package io.smartstick.architecture;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

/**
 * The shape of the code: packages do not depend on each other in circles, and only the
 * configuration and the auto-configurations read the properties class (the runtime gets
 * settings objects built from it).
 */
class ArchitectureTests {

	private static final JavaClasses classes = new ClassFileImporter()
		.withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
		.importPackages("io.smartstick");

	@Test
	void packagesHaveNoCycles() {
		slices().matching("io.smartstick.(*)..").should().beFreeOfCycles().check(classes);
	}

	@Test
	void runtimeClassesDoNotReadTheProperties() {
		noClasses().that()
			.resideOutsideOfPackages("io.smartstick.config..", "io.smartstick.autoconfigure..")
			.should()
			.dependOnClassesThat()
			.haveFullyQualifiedName("io.smartstick.config.SmartStickProperties")
			.orShould()
			.dependOnClassesThat()
			.haveNameMatching("io\\.smartstick\\.config\\.SmartStickProperties\\$.*")
			.check(classes);
	}

}
