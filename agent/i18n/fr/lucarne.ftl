# Textes de l'interface en ligne de commande de Lucarne (français, langue par défaut).

inspect-file = Fichier : { $path }
inspect-error = Impossible de lire ce fichier : { $error }
inspect-profile = Profil « { $name } » ({ $identifier })
inspect-organization = Émis par : { $organization }
inspect-description = Description : { $description }
inspect-signed-valid = Signé par « { $subject } » (émetteur « { $issuer } »), signature valide. Lucarne ne vérifie pas si ce signataire est digne de confiance.
inspect-signed-invalid = Signé par « { $subject } », mais la signature NE correspond PAS au contenu : { $problem }
inspect-unsigned = Profil non signé.
inspect-payloads = { $count ->
    [one] 1 réglage (payload)
   *[other] { $count } réglages (payloads)
}
inspect-nothing = Ce profil ne donne à l'administration aucun pouvoir que Lucarne sache décrire.
inspect-warning = Remarque : { $warning }
inspect-summary = { $ok } fichier(s) analysé(s), { $failed } en erreur.

section-erase = Effacer l'appareil
section-lock = Verrouiller l'appareil
section-locate = Localiser l'appareil
section-observe = Voir votre écran
section-intercept = Faire passer votre trafic réseau par ses serveurs
section-read = Lire des informations
section-install = Installer des applications, profils ou certificats
section-change = Modifier des réglages
section-restrict = Vous interdire des actions

capability-supervised = (appareil supervisé uniquement)
capability-not-usable = (inopérant : l'appareil n'est pas supervisé)
evidence = preuve : { $evidence }
mdm-server = Serveur MDM : { $url }
mdm-rights = Droits d'accès (AccessRights) : { $value } — { $names }
mdm-rights-missing = Droits d'accès (AccessRights) : non précisés
trust-anchor = Autorité de certification de confiance : { $subject } (SHA-256 { $sha256 })

# lucarne key, enroll, push
key-fingerprint = Empreinte de la clé de cet ordinateur : { $key_id }
key-public = Clé publique (Ed25519, base64) : { $public_key }
key-file = Fichier de la clé : { $path }
enrolled = Ordinateur inscrit auprès de { $server } (clé { $key_id }).
enrolled-log = Journal du serveur : { $origin }, clé de vérification { $verifier_key }. Comparez-la avec celle que publie l'opérateur du serveur.
push-accepted = Envoyé : appareil { $device }, relevé n° { $sequence } — reçu vérifié (entrée { $leaf_index } d'un journal de { $tree_size }).
push-alerts = { "  " }Le serveur signale { $alerts } alerte(s) et { $events } changement(s) pour ce relevé.
push-refused = Refusé par le serveur : appareil { $device }, relevé n° { $sequence } ({ $code }) : { $message }. Il a été mis de côté dans { $path } et ne sera pas renvoyé.
push-stopped = Envoi interrompu : { $reason }. { $remaining } relevé(s) restent en attente et partiront au prochain envoi ; rien n'est perdu.
push-nothing = Aucun relevé en attente.
push-consistency-deferred = La cohérence du journal n'a pas pu être vérifiée cette fois ({ $reason }) ; elle le sera au prochain envoi.
