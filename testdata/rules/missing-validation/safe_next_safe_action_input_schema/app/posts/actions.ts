"use server";

import { z } from "zod";
import { prisma } from "@/lib/db";
import { authActionClient } from "@/lib/safe-action";

export const renamePost = authActionClient
  .inputSchema(z.object({ id: z.string().uuid(), title: z.string().min(1).max(200) }))
  .action(async ({ parsedInput: { id, title }, ctx }) => {
    await prisma.post.updateMany({ where: { id, authorId: ctx.userId }, data: { title } });
  });
