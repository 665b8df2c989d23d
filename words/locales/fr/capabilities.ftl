# Ce que l'administration peut faire : une phrase par capacité (lucarne_profiles::Capability).
# L'identifiant est « cap- » suivi de l'identifiant de la capacité, les points devenus des tirets.
# Les commandes MDM (command-*), réglages (payload-*) et restrictions (restriction-*) sont
# dans catalog.ftl. Les valeurs venues d'un profil sont déjà neutralisées ; les guillemets sont
# écrits ici.

cap-mdm-server = L'iPad est géré à distance par le serveur MDM { $server } : l'administration peut lui envoyer les commandes décrites ici.
cap-mdm-user-enrollment = Inscription « utilisateur » (appareil personnel) : les droits d'accès sont ignorés, l'administration ne voit que ses propres applications et données.
cap-trust-root = L'iPad fait confiance au certificat d'autorité « { $subject } » : tout certificat qu'il signe est accepté, pour n'importe quel site.
cap-traffic-proxy = Le trafic web { $scope } passe par le serveur mandataire (proxy) { $server } : il voit chaque site consulté.
cap-traffic-proxy-auto-config = Un script de configuration automatique ({ $server }) choisit, pour le trafic web { $scope }, par quel serveur mandataire (proxy) passe chaque adresse.
cap-traffic-vpn = Un VPN vers { $server } transporte le trafic { $scope } : ce serveur voit les adresses contactées.
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
cap-traffic-https-decryption = Le certificat d'autorité « { $subject } » et { $path } vers { $server } réunis permettent à l'administration de déchiffrer le contenu des connexions HTTPS qui passent par ce chemin.
cap-account-mail = Le compte de messagerie { $user } est configuré sur le serveur { $server } : les courriels qui s'y synchronisent sont lisibles par l'exploitant de ce serveur.
cap-account-exchange = Le compte Exchange { $user } est configuré sur le serveur { $server } : courriels, contacts et agendas qui s'y synchronisent sont lisibles par l'exploitant de ce serveur.
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
}. Installée par { $managed-id ->
    [yes] l'administration
    [no] vous
   *[unknown] une personne inconnue (une sauvegarde le dit)
}.
cap-privacy-managed-app-access = L'application gérée « { $name } » a utilisé { $category } entre le { $from } et le { $to } (rapport de confidentialité des apps).
cap-privacy-managed-app-domains = L'application gérée « { $name } » a contacté { $count } domaines entre le { $from } et le { $to }, dont { $domains }.
