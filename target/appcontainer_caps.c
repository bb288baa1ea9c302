/*
 * appcontainer_caps.c: the capability names the windows target accepts.
 *
 * Windows turns any string into a capability SID, so a typo such as
 * "internetclinet" would silently grant nothing that the author meant (and
 * the compiler would call it exact). The table below is the source of truth
 * for which names exist and where each goes in an AppxManifest: the element
 * and namespace Microsoft's schemas accept it under, or nowhere for the
 * capabilities only an unpackaged launcher can grant (LPAC's lpac* names).
 *
 * The twelve legacy capabilities have fixed SIDs S-1-15-3-1 .. 12 (Windows'
 * firewall and brokers check those, not the hashed form); every other name
 * uses the SID derived from the name (appcontainer_sid.c).
 *
 * Sources: the MSIX schemas (tests cross-check the foundation and uap names
 * against ../shared/data/msix-xsd/capabilities.txt), Microsoft's "App
 * capability declarations" page for restricted and device capabilities, and
 * the LPAC capability names Windows components grant to (lpacCom,
 * registryRead, ...).
 */
#include "appcontainer.h"

#include <stdio.h>
#include <string.h>

/* X(name, kind, legacy rid) */
#define AC_CAPS(X)                                   \
	X("internetClient", AC_FOUNDATION, 1)         \
	X("internetClientServer", AC_FOUNDATION, 2)   \
	X("privateNetworkClientServer", AC_FOUNDATION, 3) \
	X("allJoyn", AC_FOUNDATION, 0)                \
	X("codeGeneration", AC_FOUNDATION, 0)         \
	X("picturesLibrary", AC_UAP, 4)               \
	X("videosLibrary", AC_UAP, 5)                 \
	X("musicLibrary", AC_UAP, 6)                  \
	X("documentsLibrary", AC_UAP, 7)              \
	X("enterpriseAuthentication", AC_UAP, 8)      \
	X("sharedUserCertificates", AC_UAP, 9)        \
	X("removableStorage", AC_UAP, 10)             \
	X("appointments", AC_UAP, 11)                 \
	X("contacts", AC_UAP, 12)                     \
	X("userAccountInformation", AC_UAP, 0)        \
	X("phoneCall", AC_UAP, 0)                     \
	X("blockedChatMessages", AC_UAP, 0)           \
	X("objects3D", AC_UAP, 0)                     \
	X("voipCall", AC_UAP, 0)                      \
	X("chat", AC_UAP, 0)                          \
	X("phoneCallHistoryPublic", AC_UAP2, 0)       \
	X("spatialPerception", AC_UAP2, 0)            \
	X("backgroundMediaPlayback", AC_UAP3, 0)      \
	X("userNotificationListener", AC_UAP3, 0)     \
	X("remoteSystem", AC_UAP3, 0)                 \
	X("offlineMapsManagement", AC_UAP4, 0)        \
	X("userDataTasks", AC_UAP4, 0)                \
	X("graphicsCapture", AC_UAP6, 0)              \
	X("globalMediaControl", AC_UAP7, 0)           \
	X("graphicsCaptureProgrammatic", AC_UAP11, 0) \
	X("graphicsCaptureWithoutBorder", AC_UAP11, 0) \
	X("allowElevation", AC_RESCAP, 0)             \
	X("appDiagnostics", AC_RESCAP, 0)             \
	X("broadFileSystemAccess", AC_RESCAP, 0)      \
	X("confirmAppClose", AC_RESCAP, 0)            \
	X("enterpriseDataPolicy", AC_RESCAP, 0)       \
	X("extendedBackgroundTaskTime", AC_RESCAP, 0) \
	X("extendedExecutionUnconstrained", AC_RESCAP, 0) \
	X("inputInjectionBrokered", AC_RESCAP, 0)     \
	X("localSystemServices", AC_RESCAP, 0)        \
	X("packageManagement", AC_RESCAP, 0)          \
	X("packageQuery", AC_RESCAP, 0)               \
	X("runFullTrust", AC_RESCAP, 0)               \
	X("unvirtualizedResources", AC_RESCAP, 0)     \
	X("userDataSystem", AC_RESCAP, 0)             \
	X("bluetooth", AC_DEVICE, 0)                  \
	X("location", AC_DEVICE, 0)                   \
	X("microphone", AC_DEVICE, 0)                 \
	X("proximity", AC_DEVICE, 0)                  \
	X("radios", AC_DEVICE, 0)                     \
	X("usb", AC_DEVICE, 0)                        \
	X("webcam", AC_DEVICE, 0)                     \
	X("lpacAppExperience", AC_LAUNCHER, 0)        \
	X("lpacClipboard", AC_LAUNCHER, 0)            \
	X("lpacCom", AC_LAUNCHER, 0)                  \
	X("lpacCryptoServices", AC_LAUNCHER, 0)       \
	X("lpacEnterprisePolicyChangeNotifications", AC_LAUNCHER, 0) \
	X("lpacIdentityServices", AC_LAUNCHER, 0)     \
	X("lpacInstrumentation", AC_LAUNCHER, 0)      \
	X("lpacMedia", AC_LAUNCHER, 0)                \
	X("lpacPackageManagerOperation", AC_LAUNCHER, 0) \
	X("lpacPnpNotifications", AC_LAUNCHER, 0)     \
	X("lpacPrinting", AC_LAUNCHER, 0)             \
	X("lpacServicesManagement", AC_LAUNCHER, 0)   \
	X("lpacSessionManagement", AC_LAUNCHER, 0)    \
	X("lpacWebPlatform", AC_LAUNCHER, 0)          \
	X("registryRead", AC_LAUNCHER, 0)

#define X(n, k, r) { n, k, r },
static const AcCap caps[] = { AC_CAPS(X) };
#undef X

const char *const ac_kind_prefix[AC__KINDS] = {
	[AC_FOUNDATION] = "", [AC_UAP] = "uap", [AC_UAP2] = "uap2", [AC_UAP3] = "uap3",
	[AC_UAP4] = "uap4", [AC_UAP6] = "uap6", [AC_UAP7] = "uap7", [AC_UAP11] = "uap11",
	[AC_RESCAP] = "rescap", [AC_DEVICE] = "", [AC_LAUNCHER] = NULL,
};

const char *const ac_kind_ns[AC__KINDS] = {
	[AC_FOUNDATION] = "http://schemas.microsoft.com/appx/manifest/foundation/windows10",
	[AC_UAP] = "http://schemas.microsoft.com/appx/manifest/uap/windows10",
	[AC_UAP2] = "http://schemas.microsoft.com/appx/manifest/uap/windows10/2",
	[AC_UAP3] = "http://schemas.microsoft.com/appx/manifest/uap/windows10/3",
	[AC_UAP4] = "http://schemas.microsoft.com/appx/manifest/uap/windows10/4",
	[AC_UAP6] = "http://schemas.microsoft.com/appx/manifest/uap/windows10/6",
	[AC_UAP7] = "http://schemas.microsoft.com/appx/manifest/uap/windows10/7",
	[AC_UAP11] = "http://schemas.microsoft.com/appx/manifest/uap/windows10/11",
	[AC_RESCAP] = "http://schemas.microsoft.com/appx/manifest/foundation/windows10/restrictedcapabilities",
	[AC_DEVICE] = "http://schemas.microsoft.com/appx/manifest/foundation/windows10",
	[AC_LAUNCHER] = NULL,
};

/* Capability names are case-sensitive in manifests; Windows folds them for
 * the SID, but a policy that writes "InternetClient" would produce a manifest
 * the schema rejects, so the lookup is exact. */
const AcCap *ac_cap_find(Str name)
{
	for (size_t i = 0; i < ARRAY_LEN(caps); i++)
		if (str_eqc(name, caps[i].name))
			return &caps[i];
	return NULL;
}

const AcCap *ac_cap_table(int *n)
{
	*n = (int)ARRAY_LEN(caps);
	return caps;
}

void ac_cap_sid(const AcCap *c, char out[AC_SID_MAX])
{
	if (c->rid)
		snprintf(out, AC_SID_MAX, "S-1-15-3-%u", (unsigned)c->rid);
	else
		ac_capability_sid(str_c(c->name), out);
}
