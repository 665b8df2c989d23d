# L'explication : ce que voit un élu, dans l'ordre où il doit le voir (résumé d'abord, puis ce
# que l'administration ne peut pas faire, les détails avec preuves, ce que Lucarne n'a pas vu).

## En-tête
header-device = Appareil : « { $name } » ({ $model }, iPadOS { $os })
header-device-unknown = Appareil : inconnu (cette source ne le dit pas).
header-privacy = Rapport de confidentialité des apps : { $apps ->
    [one] { $apps } application
   *[other] { $apps } applications
}, du { $from } au { $to }{ $skipped ->
    [0] {""}
    [one] {""} (1 ligne illisible ignorée)
   *[other] {""} ({ $skipped } lignes illisibles ignorées)
}.
header-files = { $count ->
    [one] { $count } profil lu
   *[other] { $count } profils lus
}, hors de tout iPad.
header-management = { $mdm ->
    [none] Aucun serveur MDM trouvé
    [unknown] Serveur MDM : inconnu
   *[other] Géré par le serveur MDM { $mdm }
}{ $organisation ->
    [none] {""}
   *[other] {" "}(« { $organisation } »)
} — supervisé : { $supervised }, inscrit automatiquement : { $ade }.
header-profiles = { $count ->
    [one] { $count } profil installé
   *[other] { $count } profils installés
}{ $mdm ->
    [unknown] {" "}(qui les a installés : inconnu)
   *[other] {" "}(dont { $mdm } par le MDM)
}.
header-apps = { $count ->
    [0] Aucune application listée
    [one] 1 application
   *[other] { $count } applications
}{ $managed ->
    [unknown] {" "}(lesquelles le MDM gère : inconnu)
   *[other] {" "}(dont { $managed } gérées par le MDM)
}.
yes = oui
no = non
unknown = inconnu
unspecified = (non précisé)

## Résumé : une phrase par sujet, du plus grave au moins grave
summary-title = Ce que l'administration peut faire avec cet iPad :
summary-title-files = Ce que ces profils permettraient à l'administration :
summary-none = Lucarne n'a rien trouvé que l'administration puisse faire avec cet iPad.
summary-none-files = Lucarne n'a rien trouvé que ces profils permettent à l'administration.
summary-wifi-tracking = Reconnaître l'iPad sur { $count ->
    [one] le réseau Wi-Fi { $networks }, où son adresse privée est désactivée.
   *[other] les réseaux Wi-Fi { $networks }, où son adresse privée est désactivée.
}
summary-profile-service = Recevoir des informations sur l'iPad (identifiants, numéro de série…) sur { $servers }.
summary-conditional = {" "}(sous conditions)
summary-mail = Lire les courriels, contacts et agendas { $count ->
    [one] de votre compte sur
   *[other] de vos { $count } comptes sur
} { $servers }.
summary-https = Déchiffrer vos connexions HTTPS passant par { $servers }.
summary-https-anchor = Faire accepter à l'iPad tout certificat de son autorité « { $subject } ».
summary-traffic = Voir les sites contactés par le trafic qu'elle fait passer par { $servers }.
summary-traffic-script = Choisir par quels serveurs passe votre trafic web, par un script publié sur { $scripts }.
summary-locate = Localiser l'iPad en le mettant en mode Perdu (visible à l'écran).
summary-erase = { $mdm ->
    [yes] Effacer entièrement l'iPad à distance{ $exchange ->
        [none] {""}
       *[other] {""}, et le serveur Exchange { $exchange } aussi
    }
   *[no] Effacer entièrement l'iPad, par le serveur Exchange { $exchange }
}{ $ade ->
    [yes] {""} ; l'iPad se réinscrit ensuite de lui-même
   *[other] {""}
}.
summary-apps = { $silent ->
    [yes] Installer et supprimer applications et profils sans vous demander.
   *[other] Installer et supprimer des profils ; des applications, avec votre accord.
}
summary-screen-app = Voir{ $control ->
    [yes] {" "}et contrôler
   *[other] {""}
} votre écran avec l'application « { $name } ».
summary-screen-classroom = Observer votre écran avec Classroom{ $silent ->
    [yes] , sans vous prévenir
   *[other] {""}
}.
summary-screen-mirroring = Vous demander de recopier votre écran (vous pouvez refuser).
summary-lock = Verrouiller l'iPad et supprimer son code d'accès.
summary-inventory = Lire { $apps ->
    [yes] la liste de vos applications, {""}
   *[other] {""}
}les informations de l'iPad, ses profils et certificats.
summary-settings = Modifier des réglages à distance.
summary-restrict = Vous interdire { $count ->
    [one] une fonction
   *[other] { $count } fonctions
} de l'iPad{ $evidence ->
    [yes] , dont des moyens de garder des preuves (captures, sauvegardes)
   *[other] {""}
}.
summary-management = Gérer l'iPad à distance par son serveur MDM.
summary-more = { $count ->
    [one] … et 1 autre point (--details).
   *[other] … et { $count } autres points (--details).
}

## Ce que l'administration ne peut pas faire
cannot-title = Ce que l'administration ne peut pas faire (d'après ce que Lucarne a lu) :
limit-right-not-granted = { $right } : ce droit ne lui est pas accordé.
limit-not-supervised = Cet iPad n'est pas supervisé : { $count ->
    [one] une commande réservée aux iPad supervisés lui est impossible
   *[other] { $count } commandes réservées aux iPad supervisés lui sont impossibles
} (installer des applications sans vous demander, localiser l'iPad…).
limit-user-enrollment = Inscription « utilisateur » : l'administration ne voit ni vos applications personnelles ni vos données, et ne peut pas effacer tout l'iPad.
limit-no-account = Aucun compte de messagerie, de contacts ou d'agenda n'est configuré par ses profils : elle ne lit pas votre courrier par ce moyen.
limit-no-trust-anchor = Aucun certificat d'autorité n'est installé par ses profils : elle ne peut pas déchiffrer vos connexions HTTPS par ce moyen.
limit-no-traffic-path = Aucun proxy, VPN, filtre ni serveur DNS n'est imposé par ses profils : votre trafic ne passe pas par ses serveurs par ce moyen.
limit-no-ade = L'iPad n'a pas été inscrit automatiquement : après un effacement, il ne se réinscrit pas de lui-même.
limit-no-mdm = Aucun serveur MDM ne gère cet iPad.
limit-invalid-profile = Le fichier « { $profile } » n'est pas un profil de configuration valable : son type déclaré est « { $type } » au lieu de « Configuration ». Un iPad le refuse : rien de ce qu'il contient ne s'applique.

## Ce qui est sur l'iPad
inventory-title = Ce qui est sur l'iPad :
inventory-profile = Profil « { $name } » ({ $identifier }){ $installer ->
    [mdm] , installé par le MDM
    [user] , installé par vous
   *[unknown] {""} (qui l'a installé : inconnu)
}
inventory-app = Application « { $name } » ({ $bundle }){ $managed ->
    [yes] , gérée par le MDM
   *[other] {""}
}{ $in-house ->
    [yes] , distribuée hors App Store
   *[other] {""}
}

## Détails
details-title = Détails, avec les preuves :
details-hint = Détails et preuves : relancez avec --details.
topic-mail = Messagerie, contacts et agendas
topic-https = Connexions chiffrées (HTTPS)
topic-traffic = Trafic réseau
topic-locate = Localisation
topic-erase = Effacement
topic-apps = Applications, profils et certificats
topic-screen = Votre écran
topic-lock = Verrouillage et code d'accès
topic-inventory = Informations lues sur l'iPad
topic-settings = Réglages
topic-restrict = Ce qui vous est interdit
topic-management = Gestion de l'iPad
evidence = preuve : { $evidence }
evidence-profile = profil { $profile }
evidence-key = clé { $key }

## Conditions
condition-supervised = { $holds ->
    [yes] Possible parce que cet iPad est supervisé.
    [no] Impossible : cet iPad n'est pas supervisé.
   *[unknown] Seulement sur un iPad supervisé.
}
condition-supervised-before = { $holds ->
    [yes] Possible sur cet iPad (supervisé, ou sous iPadOS { $version } ou plus récent).
    [no] Impossible : cet iPad n'est pas supervisé et sa version d'iPadOS est antérieure à { $version }.
   *[unknown] Seulement sur un iPad supervisé, ou sous iPadOS { $version } ou plus récent.
}
condition-automated-enrollment = { $holds ->
    [yes] Possible parce que cet iPad a été inscrit automatiquement.
    [no] Impossible : cet iPad n'a pas été inscrit automatiquement.
   *[unknown] Seulement pour un iPad inscrit automatiquement.
}
condition-certificate-trust = { $route ->
    [mdm] Installé par le MDM : l'iPad s'y fie aussitôt pour les connexions chiffrées.
    [manual] Installé à la main : l'iPad ne s'y fie pour les connexions chiffrées que si vous avez activé la confiance totale (Réglages › Général › Informations › Réglages de confiance des certificats).
   *[unknown] Installé par le MDM, l'iPad s'y fie aussitôt ; installé à la main, seulement une fois la confiance totale activée (Réglages › Général › Informations › Réglages de confiance des certificats).
}
condition-controlled-traffic-path = { $holds ->
    [yes] Les connexions concernées passent par un chemin que l'administration contrôle.
    [no] Aucun chemin contrôlé par l'administration ne transporte vos connexions.
   *[unknown] Seulement si vos connexions passent par un chemin que l'administration contrôle.
}
condition-apps-without-pinning = Les applications qui vérifient elles-mêmes le certificat de leur serveur (beaucoup d'applications bancaires et de messagerie) y échappent : leur connexion échoue au lieu d'être déchiffrée.
condition-shared-ipad = { $holds ->
    [yes] Cet iPad est partagé entre plusieurs utilisateurs.
    [no] Sans objet : cet iPad n'est pas partagé.
   *[unknown] Seulement sur un iPad partagé entre plusieurs utilisateurs.
}
condition-os-before = { $holds ->
    [yes] Cet iPad a une version d'iPadOS antérieure à { $version }.
    [no] Sans effet : cette commande n'agit plus depuis iPadOS { $version }.
   *[unknown] Sans effet depuis iPadOS { $version }.
}
condition-not-on-ipad = Sans effet sur un iPad (macOS seulement).

## Ce que Lucarne n'a pas pu voir
unseen-title = Ce que Lucarne n'a pas pu voir :
unknown-profiles-installed-by = Qui a installé chaque profil (le MDM ou vous) : inconnu.
unknown-apps-managed = Quelles applications le MDM gère : inconnu.
unknown-history = L'historique daté des profils et réglages : inconnu.
unknown-payload-contents = Le contenu des profils : inconnu.
unknown-supervision = Si l'iPad est supervisé : inconnu.
unknown-access-rights = Les droits d'accès du serveur MDM : inconnus.
unknown-privacy-report = Ce que les applications ont fait (position, caméra, domaines contactés) : inconnu.
unknown-profiles = Les profils installés, le MDM et ses droits : inconnus avec cette seule source.
unknown-device = L'iPad sur lequel ces profils seraient installés (supervisé ou non) : inconnu.
unknown-mdm-server-logs = Ce que le serveur MDM a réellement demandé ou fait (ses journaux) : aucune source de votre côté ne le montre ; l'administration le sait, et vous pouvez le lui demander (droit d'accès, article 15 du RGPD).
source-backup = Une sauvegarde de l'iPad le dit : « lucarne scan --backup ».
source-live = Branchez l'iPad et lancez « lucarne scan ».
source-privacy-report = Le rapport de confidentialité des apps le dit (Réglages › Confidentialité et sécurité › Rapport de confidentialité des apps, puis « lucarne scan --privacy-report FICHIER »).

## Termes
term-scope-all-traffic = de tout l'iPad
term-scope-wifi = sur le réseau Wi-Fi « { $network } »
term-scope-cellular = des données mobiles (point d'accès « { $network } »)
term-scope-inside-vpn = dans le VPN « { $network } »
term-scope-bound-apps = des applications qu'elle désigne
term-scope-on-demand = choisi par des règles, à la demande
term-scope-selected = vers les adresses que le serveur VPN désigne
term-scope-domains = vers les domaines { $domains }
term-scope-web-pages = des pages web consultées
term-scope-all-connections = de toutes les applications (toutes leurs connexions, pas seulement les pages web)
term-scope-bound-apps-connections = des applications gérées qui lui sont liées (toutes leurs connexions, pas seulement les pages web)
term-scope-name-lookups = des résolutions de noms (DNS)
term-path-proxy = le serveur mandataire (proxy)
term-path-proxy-auto-config = le script de proxy automatique
term-path-vpn = le VPN
term-path-always-on-vpn = le VPN permanent
term-path-per-app-vpn = le VPN par application
term-path-relay = le relais réseau
term-protocol-scep = SCEP
term-protocol-acme = ACME
term-attributes-udid = son identifiant unique d'appareil
term-attributes-imei = son numéro IMEI
term-attributes-meid = son numéro MEID
term-attributes-iccid = le numéro de sa carte SIM
term-attributes-os-version = sa version d'iPadOS
term-attributes-model = son modèle
term-attributes-serial-number = son numéro de série
term-attributes-wifi-address = son adresse Wi-Fi matérielle
term-attributes-device-name = le nom de l'iPad
term-category-remote-control = contrôle à distance
term-category-screen-sharing = partage d'écran
term-category-device-monitoring = surveillance de l'appareil
term-resource-location = votre position
term-resource-camera = la caméra
term-resource-microphone = le micro
term-resource-contacts = vos contacts
term-resource-photos = vos photos
term-resource-calendars = vos agendas
term-resource-mediaLibrary = votre médiathèque
term-resource-screenRecording = l'enregistrement de l'écran
term-and-more = { $count ->
    [one] et 1 autre
   *[other] et { $count } autres
}
