# Ce que l'administration peut faire : une phrase par capacité (lucarne_profiles::Capability).
# L'identifiant est « cap- » suivi de l'identifiant de la capacité, les points devenus des tirets.
# Les commandes MDM (command-*), réglages (payload-*) et restrictions (restriction-*) sont
# dans catalog.ftl. Les valeurs venues d'un profil sont déjà neutralisées ; les guillemets sont
# écrits ici.

cap-mdm-server = L'iPad est géré à distance par le serveur MDM { $server } : l'administration peut lui envoyer les commandes décrites ici.
cap-mdm-user-enrollment = Inscription « utilisateur » (appareil personnel) : les droits d'accès sont ignorés, l'administration ne voit que ses propres applications et données.
cap-trust-root = L'iPad fait confiance au certificat d'autorité « { $subject } » : tout certificat qu'il signe est accepté, pour n'importe quel site.
cap-traffic-proxy = Le trafic web { $scope } passe par le serveur mandataire (proxy) { $server } : il voit chaque site consulté.
cap-traffic-proxy-auto-config = Un script de configuration automatique, publié sur { $script }, choisit pour chaque connexion du trafic web { $scope } le serveur mandataire (proxy) à utiliser, s'il y en a un : ces serveurs ne sont pas connus d'après le profil.
cap-traffic-vpn = Un VPN vers { $server }{ $app ->
    [none] {""}
   *[other] {" "}(par l'application { $app })
} transporte le trafic { $scope } : ce serveur voit les adresses contactées.{ $on-demand-id ->
    [yes] {" "}Il se connecte de lui-même, selon ses règles de connexion à la demande.
   *[other] {""}
}
cap-traffic-always-on-vpn = VPN permanent vers { $server } : tout le trafic de l'iPad, applications d'Apple comprises, passe par l'administration, qui peut le surveiller et le filtrer.
cap-traffic-per-app-vpn = VPN par application vers { $server } : le trafic des applications qu'elle désigne{ $domains ->
    [none] {""}
   *[other] {" "}et des domaines { $domains }
} passe par ce serveur.
cap-traffic-content-filter = Un filtre de contenu ({ $filter ->
    [none] filtre intégré d'Apple
   *[other] extension { $filter }
}) examine le trafic { $scope } et peut le bloquer.
cap-traffic-dns = Toutes les résolutions de noms (DNS) vont au serveur { $server } : il connaît chaque domaine que l'iPad contacte.
cap-traffic-dns-proxy = L'application { $server } reçoit les requêtes DNS de l'iPad : elle voit chaque domaine contacté.
cap-traffic-relay = Un relais réseau ({ $server }) fait passer le trafic { $scope } par les serveurs de l'administration.
cap-traffic-https-decryption = Le certificat d'autorité « { $subject } » et { $path }{ $path-id ->
    [proxy-auto-config] {" "}publié sur { $script }
   *[other] {" "}vers { $server }
} réunis permettent à l'administration de déchiffrer le contenu des connexions HTTPS qui passent par ce chemin.
cap-account-mail = Le compte de messagerie { $user } est configuré sur le serveur { $server } : les courriels qui s'y synchronisent sont lisibles par l'exploitant de ce serveur.
cap-account-exchange = Le compte Exchange { $user } est configuré sur le serveur { $server }{ $identity-id ->
    [yes] , avec un certificat d'identité installé pour s'y connecter
   *[other] {""}
} : courriels, contacts et agendas qui s'y synchronisent sont lisibles par l'exploitant de ce serveur.
cap-account-exchange-wipe = Le serveur Exchange { $server } peut à lui seul effacer l'iPad (effacement à distance d'Exchange), sans passer par le MDM.
cap-account-caldav = Le calendrier { $user } est synchronisé avec le serveur { $server } : son exploitant voit ces événements.
cap-account-carddav = Les contacts { $user } sont synchronisés avec le serveur { $server } : son exploitant voit ces contacts.
cap-account-ldap = L'annuaire { $server } est configuré : les recherches de contacts y sont envoyées.
cap-account-google = Un compte Google ({ $user }) est configuré par l'administration : ce qui s'y synchronise est chez Google.
cap-account-subscribed-calendar = Un calendrier est abonné au serveur { $server } : il sait quand l'iPad le consulte.
cap-observe-classroom = L'iPad est inscrit dans des classes de l'application Classroom : un « enseignant » peut voir l'écran, ouvrir ou bloquer des applications.
cap-observe-classroom-silent = L'observation de l'écran par Classroom se fait sans vous prévenir.
cap-restriction-set = { $meaning }
cap-restriction-unknown = Un réglage de restriction que Lucarne ne connaît pas sur iPad est présent : son effet n'est pas décrit ici.
cap-profile-unremovable = Vous ne pouvez pas supprimer vous-même le profil « { $name } ».
cap-payload-unknown = Un profil contient un réglage d'un type que Lucarne ne connaît pas : son effet n'est pas décrit ici.
cap-device-supervised = L'iPad est supervisé{ $organisation ->
    [none] {""}
   *[other] {" "}par « { $organisation } »
} : l'administration peut installer applications et profils sans vous demander, et appliquer les restrictions réservées aux appareils supervisés.
cap-device-ade = L'iPad est inscrit automatiquement (inscription automatique des appareils d'Apple) : après un effacement, il se réinscrit de lui-même auprès de l'administration.
cap-app-in-house = L'application « { $name } » ne vient pas de l'App Store : elle est signée par « { $signer } » et installée grâce à un profil de provisionnement.
cap-app-managed = L'application « { $name } » est gérée par l'administration : elle peut la configurer, la supprimer avec ses données et la relier à un VPN.
cap-app-screen-access = L'application « { $name } » ({ $category }) permet à quelqu'un d'autre de voir { $category-id ->
    [remote-control] et de contrôler votre écran
   *[other] votre écran
}. { $managed-id ->
    [yes] Installée par l'administration.
    [no] Installée par vous.
   *[unknown] Qui l'a installée : inconnu (une sauvegarde le dit).
}
cap-privacy-managed-app-access = L'application gérée « { $name } » a utilisé { $category } entre le { $from } et le { $to } (rapport de confidentialité des apps).
cap-privacy-managed-app-domains = L'application gérée « { $name } » a contacté { $count } domaines entre le { $from } et le { $to }, dont { $domains }.
cap-trust-intermediate = Le certificat d'autorité intermédiaire « { $subject } », émis par « { $issuer } », est installé : il sert seulement à relier des certificats à cette autorité racine, et ne fait rien accepter tant que l'iPad ne reconnaît pas déjà celle-ci.
cap-trust-certificate = Le certificat « { $subject } » (émis par « { $issuer } ») est installé. Ce n'est pas une autorité de certification : il ne fait accepter aucun autre certificat.
cap-settings-proxy-empty = Un réglage de proxy global est présent mais ne désigne aucun serveur : aucun trafic n'y passe.
cap-traffic-dns-locked = Vous ne pouvez pas désactiver les réglages DNS qui envoient vos résolutions de noms au serveur { $server }.
cap-wifi-network = L'iPad rejoint le réseau Wi-Fi « { $network } » configuré par l'administration.
cap-wifi-private-address-off = Sur le réseau Wi-Fi « { $network } », l'adresse Wi-Fi privée est désactivée : ce réseau peut reconnaître l'iPad à son adresse matérielle.
cap-wifi-server-certificate = Sur le réseau Wi-Fi « { $network } », l'iPad vérifie le serveur d'authentification{ $servers ->
    [none] {""}
   *[other] {" "}{ $servers }
} avec le certificat « { $subject } ».
cap-wifi-server-names = Sur le réseau Wi-Fi « { $network } », l'iPad n'accepte comme serveur d'authentification que { $servers }.
cap-enrolment-profile-service = L'iPad envoie { $attributes ->
    [none] des informations sur lui-même
   *[other] { $attributes }
} au serveur { $server }, qui lui renvoie un profil à installer (inscription par le réseau).
cap-identity-enrolment = L'iPad demande un certificat d'identité, avec sa clé privée, au serveur { $server } par le protocole { $protocol }{ $attest-id ->
    [yes] , en lui prouvant ses caractéristiques matérielles (attestation)
   *[other] {""}
} : l'exploitant de ce serveur délivre l'identité qui présente l'iPad à ses services.
cap-identity-sso = L'extension d'authentification unique { $app ->
    [none] (non précisée)
   *[other] { $app }
} reçoit les connexions de l'iPad { $hosts ->
    [none] aux services qu'elle gère
   *[other] à { $hosts }
} : elle voit quand vous vous y connectez.
cap-settings-web-clip = Un raccourci « { $name } » vers le site { $server } est ajouté à l'écran d'accueil{ $removable-id ->
    [no] , et vous ne pouvez pas le supprimer
   *[other] {""}
}.
cap-settings-font = La police de caractères « { $name } » est installée.
cap-settings-managed-mail-domains = Les adresses de messagerie des domaines { $domains } sont traitées comme celles de l'organisation : Mail signale les autres.
cap-settings-managed-web-domains = Les documents téléchargés depuis { $domains } sont traités comme gérés par l'organisation.
cap-settings-safari-password-domains = Safari ne peut enregistrer des mots de passe que pour les sites des domaines { $domains }.
cap-settings-tracking-relaxed-domains = La protection contre le suivi entre sites est assouplie pour { $domains }.
cap-settings-notifications = Les réglages de notification des applications { $apps } sont imposés par l'administration.
cap-settings-lock-screen-message = L'écran verrouillé affiche le message de l'administration « { $text } ».
cap-settings-asset-tag = L'écran verrouillé affiche le numéro d'inventaire « { $tag } ».
cap-settings-airplay-allow-list = L'iPad ne peut diffuser par AirPlay que vers ces récepteurs : { $devices }.
cap-settings-airplay-passwords = Le profil fournit les mots de passe { $count ->
    [one] d'un récepteur AirPlay
   *[other] de { $count } récepteurs AirPlay
}.
cap-mdm-re-enrolment = Après un effacement, l'iPad se réinscrit de lui-même auprès du serveur MDM { $server }.
cap-not-on-ipad-payload = Le réglage « { $name } » ({ $type }) est fait pour un Mac : il n'a aucun effet sur un iPad.
cap-not-on-ipad-keys = Certains réglages de { $type } ({ $keys }) sont faits pour un Mac : ils n'ont aucun effet sur un iPad.
cap-payload-legacy = Ce format est ancien (abandonné par Apple depuis iOS { $deprecated }) mais toujours appliqué.
