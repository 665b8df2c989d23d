# Textes de l'interface en ligne de commande de Lucarne (français, langue par défaut).

inspect-file = Fichier : { $path }
inspect-error = Impossible de lire ce fichier : { $error }
inspect-profile = Profil « { $name } » ({ $identifier })
inspect-organization = Émis par (selon le profil) : « { $organization } »
inspect-description = Description écrite par l'administration : « { $description } »
inspect-signed-valid = Signé par « { $subject } » (émetteur « { $issuer } »), signature valide. Lucarne ne vérifie pas si ce signataire est digne de confiance.
inspect-signed-invalid = Signé par « { $subject } », mais la signature NE correspond PAS au contenu : { $problem }
inspect-unsigned = Profil non signé.
inspect-payloads = { $count ->
    [one] { $count } réglage (payload)
   *[other] { $count } réglages (payloads)
}
inspect-warning = Remarque : { $warning }
inspect-summary = { $ok ->
    [one] { $ok } fichier analysé
   *[other] { $ok } fichiers analysés
}, { $failed } en erreur.



# lucarne scan / backups
password-prompt = Mot de passe de la sauvegarde chiffrée : 
deriving-key = Ouverture de la sauvegarde chiffrée (calcul de la clé, quelques secondes)
key-derived = Clé calculée en { $seconds } s
wrong-password = Mot de passe incorrect : la sauvegarde ne s'ouvre pas avec lui. Rien n'a été écrit.
password-needed = Cette sauvegarde est chiffrée : donnez son mot de passe (invite ou --password-stdin).
nothing-to-scan = Rien à lire : donnez --backup DOSSIER et/ou --privacy-report FICHIER.
no-backup-found = Aucune sauvegarde trouvée aux emplacements habituels ; donnez --backup DOSSIER.
warnings = { $count ->
    [one] { $count } élément n'a pas pu être lu :
   *[other] { $count } éléments n'ont pas pu être lus :
}
backups-none = Aucune sauvegarde trouvée. Emplacements examinés :
backups-header = Sauvegardes trouvées :
encrypted = chiffrée
not-encrypted = non chiffrée
# lucarne devices / lucarne scan
devices-none = Aucun iPad n'est branché.
devices-line = { $udid } ({ $connection })
scan-pairing-forbidden = Votre administration interdit d'associer cet iPad à un autre ordinateur que le sien (AllowPairing) : c'est l'une des choses qu'elle contrôle.

# Échecs de lecture d'un iPad branché
error-no-usbmuxd = Lucarne ne trouve pas le service qui relie l'ordinateur aux iPad (usbmuxd, adresse { $address }). Sous Linux, installez et démarrez usbmuxd (« sudo apt install usbmuxd », puis rebranchez l'iPad) ; sous Windows, installez l'app « Appareils Apple » ou iTunes ; sous macOS, il est toujours présent.
error-no-device = Aucun iPad n'est branché. Branchez-le avec un câble USB, déverrouillez-le, puis relancez « lucarne scan ».
error-several-devices = Plusieurs appareils sont branchés ({ $udids }). Choisissez-en un avec « lucarne scan --udid UDID » (« lucarne devices » les liste).
error-device-not-found = L'appareil { $udid } n'est pas branché. « lucarne devices » liste ceux qui le sont.
error-not-paired = Cet ordinateur n'est pas autorisé par l'iPad { $udid }. Déverrouillez l'iPad : la fenêtre « Faire confiance à cet ordinateur ? » apparaît ; touchez « Se fier », saisissez votre code, puis relancez « lucarne scan ». Si cette fenêtre n'apparaît jamais, votre administration interdit sans doute d'associer l'iPad à un autre ordinateur que le sien (AllowPairing, restriction allowHostPairing) : c'est l'une des choses qu'elle contrôle. Lisez alors une sauvegarde de l'iPad avec « lucarne scan --backup DOSSIER ».
error-locked = L'iPad { $udid } est verrouillé. Déverrouillez-le avec votre code, laissez l'écran allumé, puis relancez « lucarne scan ».
error-service-missing = L'iPad { $udid } ne propose pas le service { $service } (version d'iPadOS trop ancienne ou service désactivé). Mettez l'iPad à jour, ou lisez une sauvegarde avec « lucarne scan --backup DOSSIER ».
error-connection-lost = La connexion avec l'iPad { $udid } a été coupée pendant la lecture (câble débranché ?). Rien n'a été enregistré. Rebranchez l'iPad, déverrouillez-le et relancez « lucarne scan ».
error-protocol = L'iPad { $udid } a répondu de façon inattendue ({ $cause }). Rien n'a été enregistré.

# lucarne scan : historique local et envoi
scan-kept = Instantané n° { $sequence } signé et gardé dans l'historique de cet ordinateur ({ $path }).
scan-accepted = Instantané n° { $sequence } accepté par le serveur, reçu vérifié : entrée { $leaf } d'un journal { $size ->
    [one] d'une entrée
   *[other] de { $size } entrées
} ; { $alerts ->
    [0] aucune alerte
    [one] 1 alerte
   *[other] { $alerts } alertes
}.
scan-refused = Instantané n° { $sequence } refusé par le serveur : { $reason }
scan-queued = { $count ->
    [one] { $count } instantané en attente
   *[other] { $count } instantanés en attente
} d'envoi ({ $reason }) : rien n'est perdu, « lucarne push » les enverra.

# lucarne-demo
demo-step-ipad = ① Un iPad virtuel de conseiller régional est branché (usbmuxd simulé : { $socket }).
demo-by-hand = { "   " }À la main : « { $serve } », puis dans un autre terminal « USBMUXD_SOCKET_ADDRESS={ $address } lucarne scan ».
demo-step-scan = ② Lucarne lit l'iPad, sans jamais rien y écrire, et explique ce que l'administration peut faire :
demo-readonly = L'iPad virtuel a reçu { $count } requêtes de Lucarne, toutes de lecture ({ $refused ->
    [0] aucune refusée
    [one] 1 refusée
   *[other] { $refused } refusées
}).
demo-step-server = ③ Un serveur Lucarne indépendant démarre ({ $url }, base SQLite intégrée) ; code d'enregistrement à usage unique : { $code }.
demo-step-registered = ④ Cet ordinateur s'enregistre auprès du serveur avec sa clé { $key } ; l'instantané signé est envoyé.
demo-step-week2 = ⑤ Une semaine plus tard, l'administration a changé des choses. Nouvelle lecture, nouvel envoi ; le serveur répond par ce qui a changé :
demo-event = • { $text }
demo-alert = ⚠ { $text }
demo-open = ⑥ Le serveur reste allumé : ouvrez { $url } dans votre navigateur pour voir la page de l'iPad (lien valable une minute, une seule fois ; Entrée en donne un nouveau, Ctrl-C arrête).
demo-opened = Lucarne a ouvert ce lien dans votre navigateur.
demo-done = Fin de la démonstration (données temporaires : { $dir }, supprimées à la sortie).

# lucarne key, register, push
key-fingerprint = Empreinte de la clé de cet ordinateur : { $key_id }
key-public = Clé publique (Ed25519, base64) : { $public_key }
key-file = Fichier de la clé : { $path }
registered = Ordinateur enregistré auprès de { $server } (clé { $key_id }).
registered-log = Journal du serveur : { $origin }, clé de vérification { $verifier_key }. Comparez-la avec celle que publie l'opérateur du serveur.
push-accepted = Envoyé : appareil { $device }, instantané n° { $sequence } — reçu vérifié (entrée { $leaf_index } d'un journal de { $tree_size }).
push-alerts = { "  " }Le serveur signale { $alerts ->
    [0] aucune alerte
    [one] 1 alerte
   *[other] { $alerts } alertes
} et { $events ->
    [0] aucun changement
    [one] 1 changement
   *[other] { $events } changements
} pour cet instantané.
push-refused = Refusé par le serveur : appareil { $device }, instantané n° { $sequence } ({ $code }) : { $message }. Il a été mis de côté dans { $path } et ne sera pas renvoyé.
push-stopped = Envoi interrompu : { $reason }. { $remaining ->
    [one] { $remaining } instantané reste en attente et partira
   *[other] { $remaining } instantanés restent en attente et partiront
} au prochain envoi ; rien n'est perdu.
upload-wait = Le serveur demande d'attendre { $seconds } s avant de lui envoyer quoi que ce soit. { $remaining ->
    [one] { $remaining } instantané reste en attente
   *[other] { $remaining } instantanés restent en attente
} : rien n'est perdu, Lucarne les enverra au premier « lucarne scan » ou « lucarne push » après ce délai.
push-nothing = Aucun instantané en attente.
push-consistency-deferred = La cohérence du journal n'a pas pu être vérifiée cette fois ({ $reason }) ; elle le sera au prochain envoi.

# lucarne history
history-device = iPad « { $name } » (identifiant { $device })
history-entry = { $date } — instantané n° { $sequence }
history-no-change = Rien n'a changé.
history-empty = L'historique de cet ordinateur ne contient encore aucun instantané : lancez « lucarne scan ».
history-unknown-device = Aucun iPad « { $device } » dans l'historique de cet ordinateur. Identifiants connus : { $devices }.

# Erreurs
error-detail = {"  "}Détail technique : { $detail }
error-home = Impossible d'ouvrir le dossier de données de Lucarne (LUCARNE_HOME ou le dossier habituel de votre système).
error-salt = Impossible de lire le sel qui masque les secrets, dans le dossier de données de Lucarne.
error-key = Impossible de lire ou de créer la clé de cet ordinateur, dans le dossier de données de Lucarne.
error-password-stdin = Impossible de lire le mot de passe sur l'entrée standard.
error-password-terminal = Impossible de demander le mot de passe au terminal : donnez-le avec --password-stdin.
error-password-too-long = Le mot de passe donné sur l'entrée standard est trop long.
error-push = L'envoi des instantanés en attente a échoué ; rien n'est perdu, ils partiront au prochain envoi.
error-register = L'enregistrement de cet ordinateur auprès de { $server } a échoué.
error-write-output = Impossible d'écrire le résultat.
error-backup-unreadable = Le dossier { $path } n'est pas une sauvegarde lisible d'iPad.
error-backup-read = La lecture de la sauvegarde { $path } a échoué.
error-read-file = Impossible de lire le fichier { $path }.
error-report-too-large = Le fichier { $path } est plus grand qu'un rapport de confidentialité ne peut l'être.
error-report-invalid = Le fichier { $path } n'est pas un rapport de confidentialité des apps lisible.
error-usbmuxd-address = L'adresse d'usbmuxd donnée n'est pas valable (attendu : UNIX:/chemin ou hôte:port).
error-history = L'historique de cet ordinateur est illisible ({ $device }, instantané n° { $sequence }).
error-random = Le générateur d'aléa du système a échoué.

# lucarne open
open-opened = Votre navigateur s'ouvre sur vos pages Lucarne (le lien ne sert qu'une fois, pendant une minute).
open-link = Ouvrez ce lien dans votre navigateur (il ne sert qu'une fois, pendant une minute) : { $url }
error-open-not-registered = Cet ordinateur n'est encore inscrit auprès d'aucun serveur Lucarne : inscrivez-le d'abord avec le code que vous a donné l'opérateur du serveur.
error-open = Impossible d'obtenir un lien de connexion auprès de { $server }.

# lucarne export
export-bad-day = « { $day } » n'est pas une date de la forme AAAA-MM-JJ.
export-bad-period = La date de début (--from) est après la date de fin (--to).
export-empty = L'historique de cet ordinateur ne contient aucun instantané dans la période choisie.
export-written = Fichier de preuve écrit : { $path } ({ $snapshots ->
    [one] un instantané
   *[other] { $snapshots } instantanés
} de { $devices ->
    [one] un iPad
   *[other] { $devices } iPad
}).
export-not-attested = Il est signé par la clé de cet ordinateur et fait à partir de son propre historique : il n'est pas attesté par le serveur.
export-timestamped = Horodaté le { $time } par l'autorité d'horodatage « { $tsa } ».
export-check-with = N'importe qui peut le vérifier hors ligne : lucarne verify { $path }
error-export = Le fichier de preuve n'a pas pu être fait.
error-export-timestamp = L'autorité d'horodatage n'a pas donné de jeton valable ; aucun fichier n'a été écrit.
error-export-write = Le fichier { $path } n'a pas pu être écrit.

# lucarne verify
verify-title = Vérification de { $path }
verify-files = { $count ->
    [one] Un fichier dans l'archive.
   *[other] { $count } fichiers dans l'archive.
}
verify-signed-agent = Le manifeste est signé par la clé d'un ordinateur (empreinte { $key_id }).
verify-signed-server = Le manifeste est signé par la clé du journal du serveur « { $origin } ».
verify-device = iPad { $device } : { $count ->
    [one] un instantané signé
   *[other] { $count } instantanés signés
} (n° { $first } à { $last }), dont { $in_log } inscrits au journal du serveur (preuve d'inclusion vérifiée).
verify-checkpoint = Point de contrôle du journal vérifié : { $size } entrées, racine { $root }.
verify-timestamp = Horodatage vérifié : le { $time }, par « { $tsa } » (certificat { $fingerprint }).
verify-no-timestamp = Pas d'horodatage : rien n'atteste la date à laquelle ce fichier a été fait.
verify-not-attested = Ce fichier a été fait par l'ordinateur de l'élu, à partir de son historique : il n'est pas attesté par le serveur.
verify-no-log = Aucun de ces instantanés n'a été envoyé à un serveur : pas de preuve d'inclusion.
verify-not-in-log = iPad { $device } : { $count ->
    [one] un instantané n'est pas inscrit
   *[other] { $count } instantanés ne sont pas inscrits
} au journal du serveur (pas de reçu).
verify-no-consistency = Pas de preuve de cohérence du journal entre les tailles { $from } et { $to } : que le journal n'a pas été réécrit entre les deux n'a pas pu être vérifié.
verify-chain-starts-after = iPad { $device } : le premier instantané du fichier (n° { $sequence }) suit un instantané antérieur à la période ; la chaîne est vérifiée à partir de lui.
verify-fingerprints = Clés à comparer avec celles publiées (cet ordinateur n'en a pas enregistré) :
verify-pins-match = Les clés sont celles enregistrées sur cet ordinateur.
verify-passed = Toutes les vérifications possibles ont réussi.
verify-failed = { $count ->
    [one] Une vérification a échoué :
   *[other] { $count } vérifications ont échoué :
}

# lucarne export, comparé à l'export du serveur.
export-server-attested = C'est l'export du serveur, signé par la clé de son journal retenue à l'inscription : il contient chacun des instantanés de cet ordinateur pour la période, octet pour octet, avec un reçu vérifié.
export-server-one-device = L'export contient plusieurs iPad : il est fait à partir de l'historique de cet ordinateur seul (choisissez-en un avec --device pour l'export du serveur).
export-server-unknown-device = Le serveur ne connaît pas cet iPad : l'export est fait à partir de l'historique de cet ordinateur seul.
export-server-unreachable = Le serveur n'a pas pu fournir son export ({ $reason }) : l'export est fait à partir de l'historique de cet ordinateur seul.
export-server-differs = L'export du serveur ne correspond pas à l'historique de cet ordinateur ; l'export écrit est celui de cet ordinateur. Différences :
export-difference-missing = l'instantané { $snapshot } manque dans l'export du serveur
export-difference-altered = l'instantané { $snapshot } n'a pas dans l'export du serveur les octets que cet ordinateur a signés
export-difference-no-receipt = l'instantané { $snapshot } n'a pas de reçu valable dans l'export du serveur
export-difference-invalid = l'export du serveur ne se vérifie pas : { $reason }

# lucarne add-computer
add-computer-code = Code pour ajouter un autre de vos ordinateurs à votre compte : { $code }
add-computer-steps = Sur l'autre ordinateur, installez Lucarne puis tapez, dans les { $minutes } minutes :
    {"    "}lucarne register --server { $server } --code { $code }
    Ce code ne sert qu'une fois. Ensuite, un iPad lu depuis l'un ou l'autre ordinateur a un seul historique sur le serveur.
add-computer-secret = Ne donnez ce code à personne d'autre : qui le tape avant vous entre dans votre compte et voit vos iPad.
error-add-computer-not-registered = Cet ordinateur n'est encore inscrit auprès d'aucun serveur Lucarne : seul un ordinateur déjà inscrit peut en ajouter un autre à votre compte.
error-add-computer = Impossible d'obtenir un code pour un autre ordinateur auprès de { $server }.
registered-joined-account = Cet ordinateur a rejoint votre compte : les iPad lus depuis vos autres ordinateurs et depuis celui-ci ont un même historique sur le serveur.
registered-joined-group = Votre compte est créé et il est membre du groupe « { $group } ». Choisissez sur vos pages (« lucarne open ») quels iPad ce groupe peut voir.

# lucarne history : ce que dit le serveur
history-local = Sur cet ordinateur :
history-server = Ce que dit le serveur ({ $server }) :
history-server-here = { $date } — instantané n° { $sequence }, envoyé par cet ordinateur
history-server-other = { $date } — instantané n° { $sequence }, envoyé par un autre de vos ordinateurs (clé { $key })
history-server-first = Premier instantané reçu par le serveur pour cet iPad.
history-server-no-change = Le serveur n'a relevé aucun changement.
history-server-refusal = { $date } — le serveur a refusé un envoi : { $text }
history-server-more = Le serveur garde des instantanés plus anciens : voyez-les sur vos pages (« lucarne open »).
history-server-nothing = Le serveur n'a encore rien reçu pour cet iPad.
history-server-only = Cet iPad n'a été lu que depuis vos autres ordinateurs.
history-server-unreachable = Le serveur { $server } ne répond pas : voici seulement l'historique de cet ordinateur.
history-server-refused = Le serveur { $server } refuse de donner son historique ({ $reason }) : voici seulement l'historique de cet ordinateur.

# lucarne verify : les points de contrôle horodatés (export du serveur).
verify-checkpoint-stamp = Point de contrôle du journal de taille { $size } horodaté le { $time } par « { $tsa } ».
verify-dated = { $count ->
    [one] Un instantané est daté par un point de contrôle horodaté (preuve de cohérence vérifiée) : il existait au plus tard à cette date.
   *[other] { $count } instantanés sont datés par un point de contrôle horodaté (preuves de cohérence vérifiées) : chacun existait au plus tard à cette date.
}
